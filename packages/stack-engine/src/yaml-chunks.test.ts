// ChunkedYaml must read any text exactly as one whole parse does: same values in the same
// order, same errors. Checked on the recorded catalog (raw and rendered), on texts made to
// defeat the cuts, and on thousands of seeded random edits of real templates.
import { describe, expect, it } from 'vitest';
import { renderYamlTemplate } from '@esi/templating';
import { heatWorkerTemplates } from './test-support.js';
import { ChunkedYaml } from './yaml-chunks.js';
import { HEAT_YAML_OPTIONS, loadYaml } from './yaml-load.js';

/** Maps as ordered entry lists, so that order counts in comparisons. */
function ordered(value: unknown): unknown {
  if (value instanceof Map) return { map: [...value].map(([k, v]) => [ordered(k), ordered(v)]) };
  if (Array.isArray(value)) return value.map(ordered);
  if (value instanceof Set) return { set: [...value].map(ordered) };
  return value;
}

function outcome(read: () => unknown): unknown {
  try {
    return { value: ordered(read()) };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

function expectSameAsWhole(chunks: ChunkedYaml, text: string): void {
  expect(outcome(() => chunks.load(text)), text).toEqual(outcome(() => loadYaml(text)));
}

const templates = heatWorkerTemplates();
const render = (file: string, context: Record<string, unknown>): string => renderYamlTemplate(file, context, { yaml: HEAT_YAML_OPTIONS }).text;

const PORT_JINJA = (address: string) => ({
  jinja_fixed_ips: [{ subnet_id: '3b1d4a58-21c6-4d2a-9f0e-51a4b8f7a001', ip_address: address }],
  jinja_subnets: ['0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9'],
  jinja_force_dependency_cfg: null,
  jinja_force_dependency_gw_interface: '',
});

describe('ChunkedYaml', () => {
  it('reads every recorded heat_worker template as one parse does, raw (Jinja and all) and rendered', () => {
    const chunks = new ChunkedYaml();
    expect(templates.length).toBeGreaterThanOrEqual(30);
    for (const t of templates) {
      expectSameAsWhole(chunks, t.templateFile);
      const context = Object.fromEntries(Object.keys(t.parameterMappings).filter((k) => k.startsWith('jinja_')).map((k) => [k, '']));
      let rendered: string | undefined;
      try {
        rendered = render(t.templateFile, context);
      } catch {
        rendered = undefined; // some need lists; the raw text was compared above
      }
      if (rendered !== undefined) expectSameAsWhole(chunks, rendered);
    }
  });

  it('parses only the pieces it has not seen: a second port differs in one resource', () => {
    const port = templates.find((t) => t.id === 'port')!;
    const chunks = new ChunkedYaml();
    const first = render(port.templateFile, PORT_JINJA('192.168.0.10'));
    const second = render(port.templateFile, PORT_JINJA('192.168.0.11'));
    expectSameAsWhole(chunks, first);
    const keptAfterFirst = chunks.size;
    expectSameAsWhole(chunks, second);
    // The second text adds its own instance_ip_0, the resources entry holding it, and no more.
    expect(chunks.size - keptAfterFirst).toBe(2);
    expect(first).not.toBe(second);
  });

  it.each([
    ['a repeated key keeps its first place and takes the last value', 'a: 1\nb: 2\na: 3\n'],
    ['a repeated child key', 'resources:\n  x: 1\n  y: 2\n  x: 3\nz: 4\n'],
    ['an alias of an anchor in another piece', 'a: &anchor { k: v }\nb: *anchor\n'],
    ['an alias within one piece', 'a:\n  b: &x 1\n  c: *x\nd: 2\n'],
    ['a merge key from another piece', 'base: &b { k: 1 }\nderived:\n  <<: *b\n  j: 2\n'],
    ['a double-quoted scalar running past a line that looks like a key', 'a: "one\nb: two"\nc: 3\n'],
    ['a single-quoted scalar running on', "a: 'one\n  b: two'\nc: 3\n"],
    ['a flow mapping over lines', 'a: { x: 1,\n  y: 2 }\nb: 3\n'],
    ['a flow sequence cut at column 0', 'a: [1,\nb: 2]\nc: 3\n'],
    ['a block scalar with a key-like line inside', 'a: |\n  b: not a key\n  c: 2\nd: 3\n'],
    ['a folded block scalar', 'a: >\n  text\n\n  more\nb: 1\n'],
    ['comments at column 0 between and inside entries', '# head\na:\n  b: 1\n# inside\n  c: 2\n# between\nd: 3\n'],
    ['a document marker', '---\na: 1\nb: 2\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a directive', '%YAML 1.1\n---\na: 1\nb: 2\n'],
    ['CRLF line ends', 'a: 1\r\nb:\r\n  c: 2\r\n  d: 3\r\ne: 4\r\n'],
    ['an indented root', '  a: 1\n  b: 2\n'],
    ['a root sequence', '- a: 1\n- b: 2\n'],
    ['integer and boolean keys', '1: one\n2:\n  yes: 1\n  no: 0\nn: N\n'],
    ['a key with nothing under it', 'a:\nb:\n  c: 1\n  d: 2\n'],
    ['children at a deeper indent', 'a:\n    b: 1\n    c: 2\nd: 3\n'],
    ['a child less indented than the first', 'a:\n    b: 1\n  c: 2\nd: 3\n'],
    ['a tab in the indentation', 'a:\n\tb: 1\nc: 2\n'],
    ['text before the first key', 'junk\na: 1\nb: 2\n'],
    ['a plain scalar continued at column 0', 'a: one\ntwo\nb: 3\n'],
    ['a bare key then a sequence at column 0', 'a:\n- 1\n- 2\nb: 3\n'],
    ['quoted keys', '"a": 1\n\'b\':\n  c: 2\n  d: 3\n'],
    ['a complex key', '? [a, b]\n: 1\nc: 2\n'],
    ['an unterminated quote at the end', 'a: 1\nb: "open\n'],
    ['timestamps stay text', 'heat_template_version: 2013-05-23\nwhen: 2001-12-14t21:59:43.10-05:00\n'],
    ['too many aliases in one piece', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${Array(10).fill('*a').join(', ')}]\nc: [${Array(20).fill('*b').join(', ')}]\n`],
  ])('%s', (_what, text) => {
    expectSameAsWhole(new ChunkedYaml(), text);
    // And again with every piece already kept from the first read.
    const warm = new ChunkedYaml();
    outcome(() => warm.load(text));
    expectSameAsWhole(warm, text);
  });

  it('agrees with one parse on thousands of seeded random edits of real templates', () => {
    const sources = ['port', 'ese_logical_port', 'network', 'subnet'].flatMap((id) => {
      const t = templates.find((x) => x.id === id);
      return t ? [t.templateFile] : [];
    });
    expect(sources.length).toBeGreaterThanOrEqual(3);
    let seed = 0x5eed;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const inserts = ['"', "'", '{', '}', '[', ']', ':', ': ', '&a ', '*a', '#', '\n', '\n  ', '  ', '- ', '|', '>', '---\n', '\t', 'x: 1\n', '\nkey: v'];
    const chunks = new ChunkedYaml(64);
    for (let i = 0; i < 3000; i++) {
      let text = sources[random(sources.length)]!;
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(text.length + 1);
        text = random(3) === 0 ? text.slice(0, at) + text.slice(at + 1 + random(8)) : text.slice(0, at) + inserts[random(inserts.length)] + text.slice(at);
      }
      expectSameAsWhole(chunks, text);
    }
  });
});
