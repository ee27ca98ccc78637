import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderYamlTemplate } from './yaml-safe.js';

describe('renderYamlTemplate', () => {
  it('returns plain Jinja output, byte for byte, when no value could change the document', () => {
    const template = 'a: {{ v }}\nb: "{{ q }}"\nc: {{ n }}\nd: {{ ip }}-{{ k }}\n';
    const context = { v: 'word', q: 'two words: yes', n: '120', ip: '10.0.0.1/30', k: 'a:b' };
    const out = renderYamlTemplate(template, context);
    expect(out).toEqual({ text: 'a: word\nb: "two words: yes"\nc: 120\nd: 10.0.0.1/30-a:b', escaped: false });
  });

  it('keeps a value with a newline and a key inside its scalar', () => {
    const out = renderYamlTemplate('name: {{ v }}\nother: 1\n', { v: 'x\nevil: 1' });
    expect(out.escaped).toBe(true);
    expect(parse(out.text)).toEqual({ name: 'x\nevil: 1', other: 1 });
  });

  it('escapes for where the value lands: quotes, flow lists, keys, block scalars', () => {
    const template = 'q: "{{ a }}"\ns: \'{{ a }}\'\nl: [{{ b }}]\n{{ c }}_x: 1\nblock: |\n  {{ d }}\n';
    const out = renderYamlTemplate(template, { a: `it's "x"\\`, b: 'p, q]', c: 'k: {', d: 'line\nend' });
    expect(parse(out.text)).toEqual({ q: `it's "x"\\`, s: `it's "x"\\`, l: ['p, q]'], 'k: {_x': 1, block: 'line\nend\n' });
  });

  it('types a value that fills a whole plain scalar as YAML would, else keeps it a string', () => {
    const out = renderYamlTemplate('a: {{ n }}\nb: {{ t }}\nc: {{ e }}\nd: {{ s }}\n', { n: '42', t: 'true', e: '', s: '&x 1' });
    expect(out.escaped).toBe(true);
    expect(parse(out.text)).toEqual({ a: 42, b: true, c: null, d: '&x 1' });
  });

  it('lets a list or mapping value print as one, since the value itself is structured', () => {
    const out = renderYamlTemplate('a: {{ l }}\nb: {{ o }}\n', { l: [1, 'x: y'], o: { k: 'v' } });
    expect(parse(out.text)).toEqual({ a: [1, 'x: y'], b: { k: 'v' } });
  });

  it('keeps a value out of a comment it is printed in', () => {
    const out = renderYamlTemplate('# owner: {{ v }}\na: 1\n', { v: 'x\nevil: 2' });
    expect(parse(out.text)).toEqual({ a: 1 });
  });

  it('leaves a template whose own YAML is broken to its reader', () => {
    expect(renderYamlTemplate('a: [\n{{ v }}', { v: 'x: y' }).text).toBe('a: [\nx: y');
  });
});
