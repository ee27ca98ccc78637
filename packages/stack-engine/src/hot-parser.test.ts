import { describe, expect, it } from 'vitest';
import { DependencyCycleError, TemplateError } from './errors.js';
import { parseTemplate } from './hot-parser.js';

const HEADER = 'heat_template_version: 2013-05-23\n';

function errorOf(text: string): Error {
  try {
    parseTemplate(text);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the template to be rejected');
}

describe('parseTemplate', () => {
  it('reads parameters, resources and outputs in template order', () => {
    const t = parseTemplate(`${HEADER}
description: >
  Demo
parameters:
  b: { type: string }
  a: { type: number, default: 3 }
resources:
  zeta: { type: T::X, properties: { p: { get_param: a } } }
  "10": { type: T::X }
  alpha: { type: T::X, depends_on: zeta, properties: { q: { get_attr: [zeta, out] } } }
outputs:
  second: { value: { get_resource: alpha } }
  "1": { value: 1, description: Numbered }
`);
    expect(t.version).toBe('2013-05-23');
    expect(t.description).toBe('Demo\n');
    expect([...t.parameters.keys()]).toEqual(['b', 'a']);
    expect(t.parameters.get('a')?.default).toBe(3);
    expect([...t.resources.keys()]).toEqual(['zeta', '10', 'alpha']);
    expect(t.resources.get('alpha')?.dependsOn).toEqual(['zeta']);
    expect(t.outputs.map((o) => o.key)).toEqual(['second', '1']);
    expect(t.outputs[1]?.description).toBe('Numbered');
    expect([...(t.dependencies.get('alpha') ?? [])]).toEqual(['zeta']);
    expect([...(t.dependencies.get('zeta') ?? [])]).toEqual([]);
  });

  it('accepts later HOT versions and release aliases, and rejects unknown ones', () => {
    expect(parseTemplate('heat_template_version: 2018-08-31\n').version).toBe('2018-08-31');
    expect(parseTemplate('heat_template_version: queens\n').version).toBe('2018-03-02');
    expect(errorOf('heat_template_version: 2012-12-12\n')).toBeInstanceOf(TemplateError);
    expect(errorOf('description: x\n').message).toContain('heat_template_version');
  });

  it('reads YAML the way PyYAML does for Heat', () => {
    const t = parseTemplate(`${HEADER}
resources:
  r:
    type: T::X
    properties:
      yes_word: yes
      y: y
      n: off
      when: 2017-05-11
      name: <*>
      dup: 1
      dup: 2
`);
    expect(t.resources.get('r')?.properties).toEqual({ yes_word: true, y: 'y', n: false, when: '2017-05-11', name: '<*>', dup: 2 });
  });

  it('names what is wrong with a malformed template', () => {
    expect(errorOf('a: [unclosed\n').message).toContain('not valid YAML');
    expect(errorOf('- a list\n').message).toContain('YAML mapping');
    expect(errorOf(`${HEADER}bogus: 1\n`).message).toBe('The template section is invalid: bogus');
    expect(errorOf(`${HEADER}conditions: {}\n`).message).toContain('not supported');
    expect(errorOf(`${HEADER}resources:\n  r: { properties: {} }\n`).message).toContain('resources.r');
    expect(errorOf(`${HEADER}resources:\n  r: { type: T::X, propertys: {} }\n`).message).toContain('"propertys"');
    expect(errorOf(`${HEADER}outputs:\n  o: { description: no value }\n`).message).toContain('outputs.o');
  });

  it('rejects references to resources and parameters that do not exist', () => {
    expect(errorOf(`${HEADER}resources:\n  r: { type: T::X, properties: { a: { get_resource: nope } } }\n`).message).toBe(
      'The specified reference "nope" (in resources.r) is incorrect.',
    );
    expect(errorOf(`${HEADER}resources:\n  r: { type: T::X, depends_on: [ghost] }\n`).message).toContain('"ghost"');
    expect(errorOf(`${HEADER}outputs:\n  o: { value: { get_attr: [nope, name] } }\n`).message).toContain('outputs.o');
    expect(errorOf(`${HEADER}resources:\n  r: { type: T::X, properties: { a: { get_param: undeclared } } }\n`).message).toContain(
      'undeclared',
    );
  });

  it('detects dependency cycles, explicit or implicit', () => {
    const error = errorOf(`${HEADER}
resources:
  a: { type: T::X, properties: { x: { get_resource: c } } }
  b: { type: T::X, depends_on: a }
  c: { type: T::X, properties: { y: { get_attr: [b, id] } } }
`);
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect((error as DependencyCycleError).cycle).toEqual(['a', 'c', 'b', 'a']);
    expect(errorOf(`${HEADER}resources:\n  s: { type: T::X, depends_on: s }\n`)).toBeInstanceOf(DependencyCycleError);
  });

  it('tolerates the empty sections a Jinja loop over an empty list leaves behind', () => {
    const t = parseTemplate(`${HEADER}parameters:\nresources:\n\noutputs:\n`);
    expect(t.resources.size).toBe(0);
    expect(t.outputs).toEqual([]);
  });
});
