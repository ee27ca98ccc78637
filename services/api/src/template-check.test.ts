// A template enters the catalog only when its mappings are well formed and it renders
// with sample input into what its handler reads. Every template of our catalog and of
// the recorded G1 catalog (read from ../shared/reference, never copied) passes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplates } from '@esi/catalog';
import { REPO_ROOT } from '@esi/local-stack';
import { templateProblems } from './template-check.js';

const G1 = join(REPO_ROOT, '..', 'shared', 'reference', 'templates', 'g1');

const heat = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'probe',
  handler: 'heat_worker',
  parameter_mappings: { name: 'Pname', jinja_vlan_id: 'Pvlan_id' },
  template_file: 'heat_template_version: 2013-05-23\nparameters:\n  name:\n    type: string\nresources:\n  r:\n    type: OS::Contrail::VirtualNetwork\n    properties:\n      name: { get_param: name }\n      vlan: "{{ jinja_vlan_id }}"\n',
  watch: [],
  ...over,
});

const fields = (body: Record<string, unknown>, sample?: Record<string, unknown>): string[] => templateProblems(body, sample).map((p) => p.field);

describe('templateProblems', () => {
  it('accepts a well-formed heat template', () => {
    expect(templateProblems(heat(), undefined)).toEqual([]);
  });
  it('names a malformed body', () => {
    expect(fields(heat({ handler: 'nobody' }))).toEqual(['body_json.handler']);
    expect(fields(heat({ id: 'has space' }))).toEqual(['body_json.id']);
    expect(fields(heat({ parameter_mappings: [] }))).toEqual(['body_json.parameter_mappings']);
    expect(fields(heat({ surprise: 1 }))).toEqual(['body_json.surprise']);
  });
  it('names the parameter whose mapping is malformed', () => {
    expect(fields(heat({ parameter_mappings: { name: 'Xname' } }))).toEqual(['body_json.parameter_mappings.name']);
    expect(fields(heat({ parameter_mappings: { name: { field: 'a', constant: 1 } } }))).toEqual(['body_json.parameter_mappings.name']);
  });
  it('refuses a template that does not render, does not parse, or leaves a parameter unmapped', () => {
    expect(fields(heat({ template_file: '{% for x in %}' }))).toEqual(['body_json.template_file']);
    expect(fields(heat({ template_file: 'heat_template_version: 1999-01-01\nresources: {}\n' }))).toEqual(['body_json.template_file']);
    expect(templateProblems(heat({ parameter_mappings: {} }), undefined)[0]?.message).toMatch(/parameter name has no default and no parameter mapping/);
  });
  it('renders with the sample input when one is given', () => {
    const body = heat({ template_file: `${String(heat().template_file)}{% if jinja_vlan_id > 5000 %}broken: [{% endif %}\n` });
    expect(fields(body, { jinja_vlan_id: 100 })).toEqual([]);
    expect(fields(body, { jinja_vlan_id: 9000 })).toEqual(['body_json.template_file']);
  });
  it('wants a monitoring template to render to a YAML mapping', () => {
    const mon = { id: 'm', handler: 'monitoring_worker', parameter_mappings: { uuid: { output_key: 'id' } }, template_file: 'port:\n  type: port\n  uuid: {{ uuid }}\n', watch: [] };
    expect(fields(mon)).toEqual([]);
    expect(fields({ ...mon, template_file: '- a list\n- of items\n' })).toEqual(['body_json.template_file']);
  });
});

describe('the catalogs', () => {
  it('every template of ours passes', async () => {
    for (const t of await loadTemplates()) expect(templateProblems({ ...t.body }, undefined), t.id).toEqual([]);
  });
  it.skipIf(!existsSync(G1))('every template of the recorded G1 catalog passes', async () => {
    const templates = await loadTemplates(G1);
    expect(templates.length).toBeGreaterThan(30);
    for (const t of templates) expect(templateProblems({ ...t.body }, undefined), t.id).toEqual([]);
  });
});
