import { describe, expect, it } from 'vitest';
import { MappingError, planParams, type ResourceLookup } from './index.js';
import { context } from './test-support/memory-lookup.js';
import { gwInterface, relations, sampleContext } from './test-support/sample-world.js';

describe('planParams', () => {
  it('returns params in the key order of parameter_mappings', async () => {
    const planned = await planParams({ z: 'Cz', a: 'Pvrid', m: { constant: 1 } }, sampleContext('gw_interface', gwInterface));
    expect(planned.map((p) => p.param)).toEqual(['z', 'a', 'm']);
    expect(planned.map((p) => Object.keys(p))).toEqual([
      ['param', 'type', 'value', 'resources'],
      ['param', 'type', 'value', 'resources'],
      ['param', 'type', 'value', 'resources'],
    ]);
  });

  it('asks the lookup once per resource, however many params walk through it', async () => {
    const ctx = sampleContext('gw_interface', gwInterface);
    const path = 'Finternet_gateway+internet_gw_id:ha_interface+downlink_interface_id:ha_router+ha_router_id:edge_router+';
    await planParams({ a: `${path}primary_router_id:ip`, b: `${path}primary_router_id:ssh_port`, c: `${path}secondary_router_id:ip` }, ctx);
    expect([...ctx.lookup.calls].sort()).toEqual([
      'edge_router/er1',
      'edge_router/er2',
      'ha_interface/hi1',
      'ha_router/hr1',
      'internet_gateway/ig1',
    ]);
  });

  it('does not alias resource bodies in planned values', async () => {
    const body = { id: 'p1', fixed_ips: [{ subnet_id: 's1' }] };
    const [param] = await planParams({ ips: 'Pfixed_ips' }, context('port', body));
    (param?.value as unknown[]).push('x');
    expect(body.fixed_ips).toHaveLength(1);
  });

  it('an empty mapping plans nothing', async () => {
    expect(await planParams({}, context('x', {}))).toEqual([]);
  });

  it('rejects parameter_mappings that are not an object', async () => {
    await expect(planParams([] as unknown as Record<string, unknown>, context('x', {}))).rejects.toThrow(
      'parameter_mappings must be an object',
    );
  });
});

describe('MappingError', () => {
  const plannedError = async (mappings: Record<string, unknown>, lookup?: ResourceLookup) => {
    const ctx = lookup ? { ...sampleContext('gw_interface', gwInterface), lookup } : sampleContext('gw_interface', gwInterface);
    return planParams(mappings, ctx).then(
      () => expect.unreachable('planning should fail'),
      (error: unknown) => error as MappingError,
    );
  };

  it('names the parameter, the mapping and the reason', async () => {
    const error = await plannedError({ ok: 'Pvrid', public_ip: 'Fpublic_ip+public_ip_id:cidr' });
    expect(error).toBeInstanceOf(MappingError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MappingError');
    expect(error.param).toBe('public_ip');
    expect(error.mapping).toBe('Fpublic_ip+public_ip_id:cidr');
    expect(error.failure).toBe('missing');
    expect(error.reason).toBe('foreign key "public_ip_id" is empty on gw_interface "gw1"');
    expect(error.message).toBe(
      'parameter "public_ip" of gw_interface "gw1" (mapping "Fpublic_ip+public_ip_id:cidr"): ' +
        'foreign key "public_ip_id" is empty on gw_interface "gw1"',
    );
  });

  it('reports a referenced resource that is not found', async () => {
    const error = await plannedError({ net: 'Mnetwork:vrid:id' });
    expect(error.failure).toBe('missing');
    expect(error.message).toContain('referenced network "20" not found');
  });

  it('reports the first failing parameter in key order, whatever the lookup timing', async () => {
    const slowFirst: ResourceLookup = {
      getBody: (type, id) => new Promise((resolve) => setTimeout(() => resolve(type === 'network' ? undefined : { id }), type === 'network' ? 20 : 0)),
    };
    const error = await plannedError({ first: 'Mnetwork:network_id:id', second: 'Fpublic_ip+public_ip_id:cidr' }, slowFirst);
    expect(error.param).toBe('first');
  });

  it('keeps the lookup failure as cause and is not absorbed by ignore_missing', async () => {
    const boom = new Error('etcd unavailable');
    const failing: ResourceLookup = {
      getBody: async () => {
        throw boom;
      },
    };
    const error = await plannedError({ dep: { field: 'id', ignore_missing: true, path: ['network_id'] } }, failing);
    expect(error.failure).toBe('lookup-failed');
    expect(error.cause).toBe(boom);
    expect(error.message).toContain('looking up network "n1" failed');
  });

  it('also handles a lookup that throws synchronously', async () => {
    const boom = new Error('bad client');
    const failing = {
      getBody: () => {
        throw boom;
      },
    } as unknown as ResourceLookup;
    const error = await plannedError({ dep: 'Mnetwork:network_id:id' }, failing);
    expect(error.cause).toBe(boom);
  });

  it('classifies malformed data separately from missing data', async () => {
    const ctx = { ...context('port', { id: 'p1', network_id: { nested: true } }), relations };
    const error = (await planParams({ n: 'Mnetwork:network_id:id' }, ctx).catch((e: unknown) => e)) as MappingError;
    expect(error.failure).toBe('bad-data');
    expect(error.reason).toBe('foreign key "network_id" on port "p1" holds {"nested":true}, not an id');
  });
});
