import { badMapping } from './errors.js';

/**
 * The compact string DSL (§4.3) is a shorthand for a subset of the object DSL, so it is
 * translated instead of evaluated separately; both forms then share one evaluator and
 * cannot drift apart.
 *
 *   C<text>              {"constant": "<text>"}                    text verbatim, colons included
 *   P<field>             {"field": "<field>"}
 *   Vauto_filled         {"version": "auto_filled"}
 *   M<type>:<fk>:<key>   {"output_key": key, "path": [{"id": fk, "type": type}]}
 *   F<t>+<fk>:…:<field>  {"field": field, "path": [{"id": fk, "type": t}, …]}
 *   O<k1>:<k2>…          {"nested": [k1, k2, …]}
 *   A<part>&<part>…      {"concatenate": [part, …]}                parts: C, P, F, V, O
 *
 * Messages quote the text as JSON: it came from a client and may hold anything, a
 * newline or half a surrogate pair among it, which a log line or a gRPC trailer must survive.
 */
export function compactToObject(text: string): Record<string, unknown> {
  const form = text.charAt(0);
  const rest = text.slice(1);
  switch (form) {
    case 'C':
      return { constant: rest };
    case 'P':
      return { field: nonEmpty(rest, text, 'a field name') };
    case 'V':
      if (rest !== 'auto_filled') throw badMapping(`${JSON.stringify(text)}: V only knows "auto_filled"`);
      return { version: 'auto_filled' };
    case 'M':
      return outputKey(rest, text);
    case 'F':
      return fieldPath(rest, text);
    case 'O': {
      const keys = rest.split(':');
      if (keys.length < 2 || keys.some((key) => key === '')) {
        throw badMapping(`${JSON.stringify(text)}: O needs <field>:<key>`);
      }
      return { nested: keys };
    }
    case 'A':
      return concatenation(rest, text);
    default:
      throw badMapping(`${JSON.stringify(text)}: unknown compact mapping (expected C, P, V, M, F, O or A)`);
  }
}

function nonEmpty(value: string, text: string, what: string): string {
  if (value === '') throw badMapping(`${JSON.stringify(text)}: missing ${what}`);
  return value;
}

function outputKey(rest: string, text: string): Record<string, unknown> {
  const parts = rest.split(':');
  const [type, fk, key] = parts;
  if (parts.length !== 3 || !type || !fk || !key) throw badMapping(`${JSON.stringify(text)}: M needs <type>:<fk>:<output key>`);
  return { output_key: key, path: [{ id: fk, type }] };
}

function fieldPath(rest: string, text: string): Record<string, unknown> {
  const segments = rest.split(':');
  const field = segments.pop();
  if (!field || segments.length === 0) throw badMapping(`${JSON.stringify(text)}: F needs at least one <type>+<fk> hop and a field`);
  const path = segments.map((segment) => {
    const plus = segment.indexOf('+');
    const type = segment.slice(0, plus);
    const fk = segment.slice(plus + 1);
    if (plus < 0 || type === '' || fk === '') throw badMapping(`${JSON.stringify(text)}: hop ${JSON.stringify(segment)} is not <type>+<fk>`);
    return { id: fk, type };
  });
  return { field, path };
}

function concatenation(rest: string, text: string): Record<string, unknown> {
  const parts = rest.split('&').map((part) => {
    if (!'CPFVO'.includes(part.charAt(0)) || part === '') {
      throw badMapping(`${JSON.stringify(text)}: part ${JSON.stringify(part)} of A must be C, P, F, V or O`);
    }
    return compactToObject(part);
  });
  return { concatenate: parts };
}
