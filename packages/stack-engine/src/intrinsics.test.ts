import { describe, expect, it } from 'vitest';
import { AttributeUnavailableError, IntrinsicError } from './errors.js';
import { findReferences, resolveIntrinsics, type IntrinsicScope } from './intrinsics.js';

const scope: IntrinsicScope = {
  param(name) {
    const params: Record<string, unknown> = {
      name: 'gw',
      port: 830,
      flag: true,
      creds: { admin: { user: 'root', keys: ['k0', 'k1'] } },
      routers: ['tor1', 'tor2'],
      tsn: ['tsn1'],
      nothing: null,
    };
    if (!(name in params)) throw new IntrinsicError(`The Parameter (${name}) was not provided.`);
    return params[name];
  },
  resourceId: (name) => `${name}-uuid`,
  attribute(resource, attribute) {
    if (attribute === 'fq_name') return ['default-domain', 'p', resource];
    if (attribute === 'mac') return { mac_address: ['02:00:00:00:00:01'] };
    throw new AttributeUnavailableError(resource, attribute, `no ${attribute} on ${resource}`);
  },
  attributes: (resource) => ({ fq_name: ['x', resource] }),
};

const run = (snippet: unknown) => resolveIntrinsics(snippet, scope);

describe('get_param', () => {
  it('returns a parameter and follows a path into json and lists', () => {
    expect(run({ get_param: 'name' })).toBe('gw');
    expect(run({ get_param: ['creds', 'admin', 'user'] })).toBe('root');
    expect(run({ get_param: ['creds', 'admin', 'keys', 1] })).toBe('k1');
    expect(run({ get_param: ['creds', 'admin', 'keys', '0'] })).toBe('k0');
    expect(run({ get_param: ['routers', 1] })).toBe('tor2');
  });

  it('gives an empty string for a path that leads nowhere, like Heat', () => {
    expect(run({ get_param: ['creds', 'nobody', 'user'] })).toBe('');
    expect(run({ get_param: ['routers', 7] })).toBe('');
    expect(run({ get_param: ['name', 'x'] })).toBe('');
  });

  it('evaluates functions nested anywhere in the data', () => {
    expect(run({ a: [{ get_param: 'port' }, { b: { get_resource: 'r' } }] })).toEqual({ a: [830, { b: 'r-uuid' }] });
  });
});

describe('get_resource and get_attr', () => {
  it('returns physical ids and attributes, with nested paths', () => {
    expect(run({ get_resource: 'vmi' })).toBe('vmi-uuid');
    expect(run({ get_attr: ['vmi', 'fq_name'] })).toEqual(['default-domain', 'p', 'vmi']);
    expect(run({ get_attr: ['vmi', 'fq_name', 2] })).toBe('vmi');
    expect(run({ get_attr: ['vmi', 'mac', 'mac_address', 0] })).toBe('02:00:00:00:00:01');
    expect(run({ get_attr: ['vmi', 'mac', 'missing'] })).toBeNull();
    expect(run({ get_attr: ['vmi'] })).toEqual({ fq_name: ['x', 'vmi'] });
  });

  it('passes the attribute error of the resource through', () => {
    expect(() => run({ get_attr: ['li', 'name'] })).toThrow('no name on li');
    expect(() => run({ get_attr: [] })).toThrow(IntrinsicError);
  });
});

describe('str_replace', () => {
  it('replaces every placeholder in one pass, longest first', () => {
    const out = run({
      str_replace: {
        template: 'count $VRF_NAME_IN; vrf $VRF_NAME; port $PORT; $A',
        params: { $VRF_NAME: 'vrf_1', $VRF_NAME_IN: 'in_counter', $PORT: { get_param: 'port' }, $A: '$PORT' },
      },
    });
    expect(out).toBe('count in_counter; vrf vrf_1; port 830; $PORT');
  });

  it('turns non-text values into text the way Heat does', () => {
    const out = run({
      str_replace: {
        template: '%b%|%n%|%l%',
        params: { '%b%': { get_param: 'flag' }, '%n%': { get_param: 'nothing' }, '%l%': { get_param: 'routers' } },
      },
    });
    expect(out).toBe('True||["tor1","tor2"]');
  });

  it('rejects a malformed call', () => {
    expect(() => run({ str_replace: { template: 'x' } })).toThrow('"str_replace" parameters must be a mapping');
    expect(() => run({ str_replace: { template: 3, params: {} } })).toThrow('template must be a string');
  });
});

describe('list functions', () => {
  it('list_join joins one or more lists', () => {
    expect(run({ list_join: [',', { get_param: 'routers' }] })).toBe('tor1,tor2');
    expect(run({ list_join: ['-', ['a'], { get_param: 'tsn' }, [1]] })).toBe('a-tsn1-1');
  });

  it('Fn::Join / Fn::Split evaluate the G1 ese_device_new router list', () => {
    const expr = {
      'Fn::Split': [
        ',',
        { 'Fn::Join': [',', [{ 'Fn::Join': [',', { get_param: 'routers' }] }, { 'Fn::Join': [',', { get_param: 'tsn' }] }]] },
      ],
    };
    expect(run(expr)).toEqual(['tor1', 'tor2', 'tsn1']);
  });

  it('Fn::Select and str_split pick elements', () => {
    expect(run({ 'Fn::Select': [1, { get_param: 'routers' }] })).toBe('tor2');
    expect(run({ 'Fn::Select': ['admin', { get_param: 'creds' }] })).toEqual({ user: 'root', keys: ['k0', 'k1'] });
    expect(run({ str_split: ['/', '10.0.0.1/30', 0] })).toBe('10.0.0.1');
    expect(run({ str_split: ['/', '10.0.0.1/30'] })).toEqual(['10.0.0.1', '30']);
  });
});

describe('plain data and references', () => {
  it('leaves maps that are not a single known function alone', () => {
    expect(run({ get_param: 'name', other: 1 })).toEqual({ get_param: 'name', other: 1 });
    expect(run({ not_a_function: 'x' })).toEqual({ not_a_function: 'x' });
  });

  it('finds resource and parameter references without evaluating', () => {
    const refs = findReferences({
      a: { get_resource: 'vmi' },
      b: [{ get_attr: ['net', 'fq_name'] }, { str_replace: { template: 'x', params: { x: { get_param: 'name' } } } }],
      c: { depends: 'not a reference' },
    });
    expect([...refs.resources].sort()).toEqual(['net', 'vmi']);
    expect([...refs.params]).toEqual(['name']);
  });
});
