/**
 * Values cannot change a document's shape, proved over the whole catalog: every template
 * of ours and of the recorded G1 catalog is rendered with plausible values, then again
 * with each string it renders (every parameter, every string inside a list parameter)
 * carrying a hostile tail — newlines, ": ", quotes, "{{", anchors, aliases, comments,
 * flow brackets, a second document. The parsed document must keep the plausible one's
 * shape (same keys, same nesting, same list lengths) and hold the hostile text intact in
 * a scalar. The templates are read from the catalogs, so a new template is covered as
 * soon as it is added.
 */
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultCatalogDir, loadTemplates, packageDir, type StoredTemplate } from '@esi/catalog';
import { HEAT_YAML_OPTIONS } from '@esi/stack-engine';
import { renderYamlTemplate, templateLoopVariables, type YamlOptions } from '@esi/templating';

const g1Dir = join(packageDir, '..', '..', '..', 'shared', 'reference', 'templates', 'g1');
const TAG = 'ZQXHOSTILE';
const TAILS = [
  `\n${TAG}: injected`,
  `: ${TAG}`,
  `" ${TAG} "`,
  `' ${TAG} '`,
  `{{ ${TAG} }}{% if x %}`,
  ` &${TAG} x`,
  ` *${TAG}`,
  `\n- ${TAG}`,
  ` # ${TAG}`,
  `}], {${TAG}: 1, [`,
  ` |\n  ${TAG}`,
  ` !!binary ${TAG}`,
  `\n---\n${TAG}: second document`,
  `\t\\ ${TAG} \u2028\u0085`,
];

interface Leaf {
  path: (string | number)[];
  benign: string;
}

const catalogs = [
  { name: 'ours', templates: await loadTemplates(defaultCatalogDir) },
  { name: 'G1', templates: await loadTemplates(g1Dir) },
];

describe.each(catalogs)('every template of the $name catalog keeps its shape under hostile values', ({ templates }) => {
  const renderable = templates.filter((t) => typeof t.body.template_file === 'string' && t.body.template_file.trim() !== '');

  it('has templates to check', () => {
    expect(renderable.length).toBeGreaterThan(15);
  });

  it.each(renderable.map((t) => [t.id, t] as const))('%s', (_id, template) => {
    const file = template.body.template_file as string;
    const yaml: YamlOptions = template.body.handler === 'heat_worker' ? HEAT_YAML_OPTIONS : {};
    const context = plausibleContext(template, file);
    const benign = read(renderYamlTemplate(file, context, { yaml }).text, yaml);
    const leaves = stringLeaves(context).filter((leaf) => !comparedInTemplate(file, String(leaf.path[0])));
    let checked = 0;
    for (const leaf of leaves) {
      const shown = containsString(benign, leaf.benign);
      for (const tail of TAILS) {
        const hostile = leaf.benign + tail;
        const rendered = renderYamlTemplate(file, withLeaf(context, leaf.path, hostile), { yaml });
        const doc = read(rendered.text, yaml);
        const where = `${template.id}: ${leaf.path.join('.')} = ${JSON.stringify(hostile)}`;
        expect(shapeOf(doc, hostile, leaf.benign), where).toEqual(shapeOf(benign, leaf.benign, leaf.benign));
        if (shown) expect(containsString(doc, TAG), `${where}: the value is not in the document`).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBe(leaves.length * TAILS.length);
  });
});

/** Strings for every parameter the template renders; lists for what it loops over. */
function plausibleContext(template: StoredTemplate, file: string): Record<string, unknown> {
  const names = Object.keys(template.body.parameter_mappings ?? {}).filter((n) => template.body.handler !== 'heat_worker' || n.startsWith('jinja_'));
  const looped = templateLoopVariables(file);
  const context: Record<string, unknown> = {};
  for (const name of names) {
    if (new RegExp(`\\b${name}\\.split\\(`).test(file)) context[name] = '192.0.2.1/30';
    else if (new RegExp(`\\b${name}\\s*[-+*/]`).test(file)) context[name] = 3;
    else if (looped.has(name)) context[name] = name.includes('ip') ? [{ ip_address: `${name}_ip`, subnet_id: `${name}_subnet` }] : [`${name}_item`];
    else context[name] = `sample_${name}`;
  }
  return context;
}

/** A value the template compares (==, !=, in) decides a branch; it is fuzzed where it is only printed. */
function comparedInTemplate(file: string, name: string): boolean {
  return new RegExp(`\\b${name}\\s*(==|!=|\\bin\\b)|(==|!=)\\s*${name}\\b`).test(file);
}

function stringLeaves(value: unknown, path: (string | number)[] = []): Leaf[] {
  if (typeof value === 'string') return [{ path, benign: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

function withLeaf(context: Record<string, unknown>, path: (string | number)[], text: string): Record<string, unknown> {
  const copy = structuredClone(context);
  let at: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = text;
  return copy;
}

function read(text: string, yaml: YamlOptions): unknown {
  const doc = parseDocument(text, yaml);
  expect(doc.errors.map((e) => e.message), text).toEqual([]);
  return doc.toJS();
}

/** Keys, nesting and list lengths; a key made from the value is named by the plausible value. */
function shapeOf(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((v) => shapeOf(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.split(from).join(to), shapeOf(v, from, to)]));
  }
  return 'scalar';
}

function containsString(value: unknown, text: string): boolean {
  if (typeof value === 'string') return value.includes(text);
  if (Array.isArray(value)) return value.some((v) => containsString(v, text));
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes(text) || containsString(v, text));
  return false;
}

it('the shape check itself sees an injected key', () => {
  expect(isDeepStrictEqual(shapeOf({ a: 'x', evil: 1 }, 'q', 'q'), shapeOf({ a: 'x' }, 'q', 'q'))).toBe(false);
});
