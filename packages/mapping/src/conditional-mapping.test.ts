import { describe, expect, it } from 'vitest';
import { MappingError, planParams } from './index.js';
import { compilePythonPattern, pythonMatch } from './python-regex.js';
import { sampleContext } from './test-support/sample-world.js';

const forceDependency = {
  if_mapping: { equal: [{ field: 'device_owner' }, { constant: 'network:gw_interface' }] },
  then_mapping: { field: 'id', path: [{ id: 'device_id', type: 'gw_interface' }] },
  else_mapping: { constant: null },
};

const plan = async (mapping: unknown, body: Record<string, unknown>) => {
  const [param] = await planParams({ p: mapping }, sampleContext('port', { id: 'p1', ...body }));
  return param;
};

describe('if_mapping with equal', () => {
  it('takes then_mapping and contributes only its resources', async () => {
    expect(await plan(forceDependency, { device_owner: 'network:gw_interface', device_id: 'gw1' })).toEqual({
      param: 'p',
      type: 'value',
      value: 'gw1',
      resources: [{ resource_type: 'gw_interface', resource_id: 'gw1' }],
    });
  });

  it('takes else_mapping when the values differ', async () => {
    expect(await plan(forceDependency, { device_owner: 'compute:nova', device_id: 'vm1' })).toEqual({
      param: 'p',
      type: 'value',
      value: null,
      resources: [],
    });
  });

  it('does not list what only the condition read', async () => {
    const mapping = {
      if_mapping: { equal: [{ field: 'id', path: ['network_id'] }, 'n1'] },
      then_mapping: { constant: 'yes' },
      else_mapping: { constant: 'no' },
    };
    expect(await plan(mapping, { network_id: 'n1' })).toEqual({ param: 'p', type: 'value', value: 'yes', resources: [] });
  });

  it('compares JSON values without coercion; a bare string operand is literal', async () => {
    const mapping = (operand: unknown) => ({
      if_mapping: { equal: [{ field: 'vrid' }, operand] },
      then_mapping: { constant: 'same' },
      else_mapping: { constant: 'different' },
    });
    expect((await plan(mapping({ constant: 20 }), { vrid: 20 }))?.value).toBe('same');
    expect((await plan(mapping('20'), { vrid: 20 }))?.value).toBe('different');
    expect((await plan(mapping({ constant: [1, { a: 2 }] }), { vrid: [1, { a: 2 }] }))?.value).toBe('same');
  });

  it('a branch may be compact or produce an output_key', async () => {
    const mapping = { if_mapping: { equal: ['a', 'a'] }, then_mapping: 'Mnetwork:network_id:id', else_mapping: 'Cnone' };
    expect(await plan(mapping, { network_id: 'n1' })).toEqual({
      param: 'p',
      type: 'output_key',
      value: { output_key: 'id', resource_type: 'network', resource_id: 'n1' },
      resources: [{ resource_type: 'network', resource_id: 'n1' }],
    });
  });

  it('an absent branch yields null', async () => {
    expect((await plan({ if_mapping: { equal: ['a', 'b'] }, then_mapping: 'Cx' }, {}))?.value).toBeNull();
  });
});

describe('if_mapping with regexp (Python re.match)', () => {
  const dhcp = {
    if_mapping: { regexp: [{ field: 'device_owner' }, { constant: 'network:dhcp|network:empty' }] },
    then_mapping: { constant: null },
    else_mapping: { constant: 'port' },
  };

  it.each([
    ['network:dhcp', null],
    ['network:empty', null],
    ['network:dhcp_agent', null],
    ['network:gw_interface', 'port'],
    ['x-network:dhcp', 'port'],
  ])('%s -> %j', async (owner, expected) => {
    expect((await plan(dhcp, { device_owner: owner }))?.value).toBe(expected);
  });

  it('rejects a non-string value or pattern', async () => {
    const mapping = (value: unknown, pattern: unknown) => ({ if_mapping: { regexp: [value, pattern] }, then_mapping: 'Ca', else_mapping: 'Cb' });
    await expect(plan(mapping({ field: 'n' }, 'x'), { n: 5 })).rejects.toThrow('regexp value is 5, not a string');
    await expect(plan(mapping('x', { constant: 1 }), {})).rejects.toThrow('regexp pattern is 1, not a string');
    await expect(plan(mapping('x', '('), {})).rejects.toThrow('is not a valid linear-time (RE2) pattern');
  });

  it('rejects a malformed condition', async () => {
    for (const condition of [{ equal: ['a'] }, { like: ['a', 'b'] }, { equal: ['a', 'b'], regexp: ['a', 'b'] }]) {
      await expect(plan({ if_mapping: condition, then_mapping: 'Ca' }, {})).rejects.toThrow(MappingError);
    }
  });
});

describe('pythonMatch', () => {
  it('anchors at the start only', () => {
    expect(pythonMatch('ab', 'abc')).toBe(true);
    expect(pythonMatch('bc', 'abc')).toBe(false);
    expect(pythonMatch('a|b', 'xb')).toBe(false);
    expect(pythonMatch('.*c$', 'abc')).toBe(true);
  });

  it('understands Python named groups and leading inline flags', () => {
    expect(pythonMatch('(?P<x>a)b', 'ab')).toBe(true);
    expect(pythonMatch('(?i)NETWORK:', 'network:dhcp')).toBe(true);
  });

  it('refuses what cannot run in linear time, and stays linear on patterns that backtrack elsewhere', () => {
    expect(() => compilePythonPattern('(?P<x>a)(?P=x)')).toThrow('not a valid linear-time (RE2) pattern');
    expect(() => compilePythonPattern('a(?=b)')).toThrow('not a valid linear-time (RE2) pattern');
    // (a+)+$ takes exponential time in a backtracking engine on "aaa…b"; 30 a's would hang one.
    const started = performance.now();
    expect(pythonMatch('(a+)+$', `${'a'.repeat(30_000)}b`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
