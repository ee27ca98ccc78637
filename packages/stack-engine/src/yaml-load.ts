import { parseDocument, type ScalarTag, type Tags } from 'yaml';
import { TemplateError } from './errors.js';

// Heat reads templates with PyYAML (YAML 1.1) but turns timestamps back into strings,
// so `heat_template_version: 2013-05-23` stays text. PyYAML's booleans are the words
// below; the yaml package's 1.1 schema also treats y/Y/n/N as booleans, which would
// turn a property called `n` into `false`.
const PY_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PY_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

const pyTrue: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (value) => value === true,
  test: PY_TRUE,
  resolve: () => true,
};
const pyFalse: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (value) => value === false,
  test: PY_FALSE,
  resolve: () => false,
};

function heatTags(tags: Tags): Tags {
  const kept = tags.filter((t) => {
    const name = typeof t === 'string' ? t : t.tag;
    return name !== 'tag:yaml.org,2002:timestamp' && name !== 'tag:yaml.org,2002:bool';
  });
  return [...kept, pyTrue, pyFalse];
}

/**
 * Parse template text. Mappings come back as `Map`s so that resource, parameter and
 * output order is the template's order even for integer-like names. Duplicate keys are
 * allowed (last wins) like PyYAML: the G1 catalog's interdc_interface repeats two.
 */
/** How Heat reads a template, for whoever renders one (the values' YAML typing follows it). */
export const HEAT_YAML_OPTIONS = Object.freeze({ version: '1.1', uniqueKeys: false, customTags: heatTags } as const);

export function loadYaml(text: string): unknown {
  const doc = parseDocument(text, HEAT_YAML_OPTIONS);
  const first = doc.errors[0];
  if (first) {
    throw new TemplateError(`The template is not valid YAML: ${first.message}`, { cause: first });
  }
  return doc.toJS({ mapAsMap: true, maxAliasCount: 1000 });
}

/** Turn parsed YAML (with Maps) into plain JSON-like values; map keys become strings. */
export function toPlain(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[keyText(k)] = toPlain(v);
    return out;
  }
  if (value instanceof Set) return [...value].map(toPlain);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

export function keyText(key: unknown): string {
  if (key === null || key === undefined) return 'None';
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  return typeof key === 'string' ? key : String(key);
}

/** Entries of a YAML mapping in document order; `null` (an empty section) has none. */
export function mappingEntries(value: unknown, where: string): Array<[string, unknown]> {
  if (value === null || value === undefined) return [];
  if (!(value instanceof Map)) throw new TemplateError(`${where} must be a mapping`);
  return [...value].map(([k, v]) => [keyText(k), v]);
}
