import { describe, expect, it } from 'vitest';
import { ParameterError, TemplateError } from './errors.js';
import { parseParameters, resolveParameters } from './parameters.js';
import { loadYaml } from './yaml-load.js';

function schemas(yaml: string) {
  return parseParameters(loadYaml(yaml));
}

function rejection(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('parameter types', () => {
  const s = schemas(`
n: { type: number }
s: { type: string }
l: { type: comma_delimited_list }
j: { type: json }
b: { type: boolean }
`);
  const resolve = (given: Record<string, unknown>) =>
    resolveParameters(s, { n: 1, s: 'x', l: [], j: {}, b: true, ...given });

  it('coerces numbers from numbers and numeric strings', () => {
    expect(resolve({ n: '1025' }).n).toBe(1025);
    expect(resolve({ n: ' 2.5 ' }).n).toBe(2.5);
    expect(resolve({ n: 6 }).n).toBe(6);
    const error = rejection(() => resolve({ n: 'abc' }));
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).parameter).toBe('n');
    expect(error.message).toBe("Parameter 'n' is invalid: Value 'abc' is not a number");
  });

  it('coerces comma_delimited_list from arrays and "a,b" strings', () => {
    expect(resolve({ l: ['7abe783f', 3] }).l).toEqual(['7abe783f', '3']);
    expect(resolve({ l: 'a, b,c' }).l).toEqual(['a', 'b', 'c']);
    expect(resolve({ l: '' }).l).toEqual([]);
  });

  it('coerces json from objects, lists and JSON text', () => {
    expect(resolve({ j: { a: [1] } }).j).toEqual({ a: [1] });
    expect(resolve({ j: [{ k: 1 }] }).j).toEqual([{ k: 1 }]);
    expect(resolve({ j: '{"x": 2}' }).j).toEqual({ x: 2 });
    expect(rejection(() => resolve({ j: '{oops' })).message).toBe("Parameter 'j' is invalid: Value must be valid JSON");
    expect(rejection(() => resolve({ j: 5 })).message).toContain("Parameter 'j'");
  });

  it('coerces booleans from the words Heat accepts', () => {
    for (const word of ['true', 'True', 'yes', 'on', 't', '1', 'y']) expect(resolve({ b: word }).b).toBe(true);
    for (const word of ['false', 'no', 'off', 'f', '0', 'N']) expect(resolve({ b: word }).b).toBe(false);
    expect(resolve({ b: false }).b).toBe(false);
    expect(rejection(() => resolve({ b: 'maybe' })).message).toContain("Parameter 'b' is invalid: Unrecognized value 'maybe'");
  });

  it('turns other values into text for string parameters, as Python str() does', () => {
    expect(resolve({ s: 830 }).s).toBe('830');
    expect(resolve({ s: true }).s).toBe('True');
    expect(resolve({ s: ['a'] }).s).toBe('["a"]');
  });
});

describe('required, defaults and unknown parameters', () => {
  const s = schemas(`
required: { type: string }
with_default: { type: number, default: 0 }
list_default: { type: comma_delimited_list, default: [] }
flag: { type: boolean, default: False }
text_default: { type: string, default: [] }
`);

  it('fills defaults and treats null as not given', () => {
    expect(resolveParameters(s, { required: 'r', with_default: null })).toEqual({
      required: 'r',
      with_default: 0,
      list_default: [],
      flag: false,
      text_default: '[]',
    });
  });

  it('names a missing required parameter', () => {
    const error = rejection(() => resolveParameters(s, {}));
    expect(error).toBeInstanceOf(ParameterError);
    expect(error.message).toBe('The Parameter (required) was not provided.');
  });

  it('names a parameter the template does not declare', () => {
    const error = rejection(() => resolveParameters(s, { required: 'r', stray: 1 }));
    expect((error as ParameterError).parameter).toBe('stray');
    expect(error.message).toBe('The Parameter (stray) was not defined in template.');
  });

  it('rejects a schema without or with an unknown type', () => {
    expect(rejection(() => schemas('p: { label: x }')).message).toBe('Missing parameter type for parameter: p');
    expect(rejection(() => schemas('p: { type: integer }'))).toBeInstanceOf(TemplateError);
  });

  it('ignores keys Heat does not define (the G1 catalog uses `schema:`)', () => {
    expect(schemas("p: { type: comma_delimited_list, schema: { '*': { type: string } } }").get('p')?.type).toBe(
      'comma_delimited_list',
    );
  });
});

describe('constraints', () => {
  const s = schemas(`
names:
  type: comma_delimited_list
  constraints:
    - length: { min: 1 }
      description: List must not be empty.
vlan:
  type: number
  constraints: [ { range: { min: 1, max: 4094 } } ]
kind:
  type: string
  constraints: [ { allowed_values: [L2, L3] } ]
tags:
  type: comma_delimited_list
  constraints: [ { allowed_values: [a, b] } ]
ifname:
  type: string
  constraints: [ { allowed_pattern: "(xe|ge)-\\\\d+/\\\\d+/\\\\d+(\\\\.\\\\d+)?" } ]
even:
  type: number
  constraints: [ { modulo: { step: 2, offset: 0 } } ]
image:
  type: string
  constraints: [ { custom_constraint: glance.image } ]
`);
  const ok = { names: ['a'], vlan: 1025, kind: 'L2', tags: ['a'], ifname: 'xe-0/0/4.1025', even: 4, image: 'anything' };
  const check = (given: Record<string, unknown>) => resolveParameters(s, { ...ok, ...given });

  it('accepts values inside every constraint', () => {
    expect(check({})).toMatchObject(ok);
  });

  it('uses the constraint description as the message when there is one', () => {
    expect(rejection(() => check({ names: [] })).message).toBe("Parameter 'names' is invalid: List must not be empty.");
  });

  it('reports range, allowed values, pattern and modulo violations naming the parameter', () => {
    expect(rejection(() => check({ vlan: 5000 })).message).toBe("Parameter 'vlan' is invalid: 5000 is out of range (min: 1, max: 4094)");
    expect(rejection(() => check({ kind: 'L4' })).message).toBe('Parameter \'kind\' is invalid: "L4" is not an allowed value ["L2","L3"]');
    expect(rejection(() => check({ tags: ['a', 'z'] })).message).toContain('"z" is not an allowed value');
    expect(rejection(() => check({ ifname: 'xe-0/0/4x' })).message).toContain('does not match pattern');
    expect(rejection(() => check({ even: 3 })).message).toBe("Parameter 'even' is invalid: 3 is not a multiple of 2 with an offset of 0");
  });

  it('rejects a constraint that does not fit the type, and defaults that violate constraints', () => {
    expect(rejection(() => schemas('p: { type: string, constraints: [ { range: { min: 1 } } ] }')).message).toContain(
      'range does not apply to type string',
    );
    expect(rejection(() => schemas('p: { type: number, default: 9, constraints: [ { range: { max: 5 } } ] }')).message).toContain(
      "Parameter 'p': invalid default",
    );
  });
});
