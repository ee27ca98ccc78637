import { describe, expect, it } from 'vitest';
import { MappingError, planParams } from './index.js';
import { gwInterface, sampleContext } from './test-support/sample-world.js';

const plan = async (mapping: unknown, resourceType = 'gw_interface', body: Record<string, unknown> = gwInterface) => {
  const [param] = await planParams({ p: mapping }, sampleContext(resourceType, body));
  return param;
};

const gatewayToRouter = ['downlink_interface_id', 'ha_router_id', 'primary_router_id'];

describe('constant', () => {
  it.each([['text'], [60], [true], [null], [[1, 2]], [{ a: { b: 1 } }]])('keeps %j with its JSON type', async (value) => {
    expect(await plan({ constant: value })).toEqual({ param: 'p', type: 'value', value, resources: [] });
  });

  it('returns a copy: a planned value never aliases the template', async () => {
    const template = { constant: { nested: [1] } };
    const param = await plan(template);
    (param?.value as { nested: number[] }).nested.push(2);
    expect(template.constant.nested).toEqual([1]);
  });
});

describe('field', () => {
  it('reads an own field without resources', async () => {
    expect(await plan({ field: 'service_type' })).toEqual({ param: 'p', type: 'value', value: 'internet', resources: [] });
  });

  it('yields null for an absent own field (internet_gateway_monitoring uplink_interface_id)', async () => {
    expect(await plan({ field: 'associated_uplink_id' }, 'internet_gateway', { id: 'ig1' })).toEqual({
      param: 'p',
      type: 'value',
      value: null,
      resources: [],
    });
  });

  it('lists the resource a foreign-key field names (ha_router_monitoring primary_device_id)', async () => {
    expect(await plan({ field: 'primary_router_id' }, 'ha_router', { id: 'hr1', primary_router_id: 'er1' })).toEqual({
      param: 'p',
      type: 'value',
      value: 'er1',
      resources: [{ resource_type: 'edge_router', resource_id: 'er1' }],
    });
  });
});

describe('foreign-key fields (inferred rule, applied uniformly)', () => {
  it('P on a foreign-key field lists the named resource like {"field"} does', async () => {
    const [param] = await planParams({ p: 'Pprimary_router_id' }, sampleContext('ha_router', { id: 'hr1', primary_router_id: 'er1' }));
    expect(param?.resources).toEqual([{ resource_type: 'edge_router', resource_id: 'er1' }]);
  });

  it('a path ending on a foreign-key field lists the hops and then the named resource', async () => {
    const param = await plan({ field: 'primary_router_id', path: ['internet_gw_id', 'downlink_interface_id', 'ha_router_id'] });
    expect(param?.value).toBe('er1');
    expect(param?.resources.map((r) => `${r.resource_type}/${r.resource_id}`)).toEqual([
      'internet_gateway/ig1',
      'ha_interface/hi1',
      'ha_router/hr1',
      'edge_router/er1',
    ]);
  });
});

describe('field + path', () => {
  it('follows untyped hops through relations, one resource per hop', async () => {
    const param = await plan({ field: 'ip', path: gatewayToRouter }, 'internet_gateway', { id: 'ig1', downlink_interface_id: 'hi1' });
    expect(param).toEqual({
      param: 'p',
      type: 'value',
      value: '10.79.5.185',
      resources: [
        { resource_type: 'ha_interface', resource_id: 'hi1' },
        { resource_type: 'ha_router', resource_id: 'hr1' },
        { resource_type: 'edge_router', resource_id: 'er1' },
      ],
    });
  });

  it('follows typed hops {id, type} for polymorphic keys', async () => {
    const port = { id: 'p1', device_id: 'gw1', device_owner: 'network:gw_interface' };
    expect(await plan({ field: 'id', path: [{ id: 'device_id', type: 'gw_interface' }] }, 'port', port)).toEqual({
      param: 'p',
      type: 'value',
      value: 'gw1',
      resources: [{ resource_type: 'gw_interface', resource_id: 'gw1' }],
    });
  });

  it('computes a hop name with concatenate (gw_interface_monitoring)', async () => {
    const computed = { concatenate: [{ field: 'service_type' }, '_gw_id'] };
    const param = await plan({ field: 'ip', path: [computed, ...gatewayToRouter] });
    expect(param?.value).toBe('10.79.5.185');
    expect(param?.resources.map((r) => r.resource_type)).toEqual(['internet_gateway', 'ha_interface', 'ha_router', 'edge_router']);
  });

  it('an empty path reads the own field', async () => {
    expect((await plan({ field: 'vrid', path: [] }))?.value).toBe(20);
  });

  it.each([
    ['an empty foreign key', { field: 'id', path: [{ id: 'public_ip_id', type: 'public_ip' }] }, 'foreign key "public_ip_id" is empty'],
    ['a referenced resource that does not exist', { field: 'id', path: [{ id: 'vrid', type: 'public_ip' }] }, 'referenced public_ip "20" not found'],
    ['a field absent on the reached resource', { field: 'nope', path: ['internet_gw_id'] }, 'field "nope" missing on internet_gateway "ig1"'],
  ])('fails on %s', async (_case, mapping, reason) => {
    await expect(plan(mapping)).rejects.toThrow(MappingError);
    await expect(plan(mapping)).rejects.toThrow(reason);
  });

  it('fails on an unknown relation', async () => {
    await expect(plan({ field: 'id', path: ['tenant_id'] })).rejects.toThrow('unknown relation: gw_interface has no foreign key "tenant_id"');
  });
});

describe('output_key', () => {
  it('of the resource itself lists no resources', async () => {
    expect(await plan({ output_key: 'fq_name' }, 'port', { id: 'p1' })).toEqual({
      param: 'p',
      type: 'output_key',
      value: { output_key: 'fq_name', resource_type: 'port', resource_id: 'p1' },
      resources: [],
    });
  });

  it('via a path names the reached resource and lists every hop', async () => {
    const param = await plan({ output_key: 'id', path: ['internet_gw_id', 'downlink_interface_id'] });
    expect(param).toEqual({
      param: 'p',
      type: 'output_key',
      value: { output_key: 'id', resource_type: 'ha_interface', resource_id: 'hi1' },
      resources: [
        { resource_type: 'internet_gateway', resource_id: 'ig1' },
        { resource_type: 'ha_interface', resource_id: 'hi1' },
      ],
    });
  });
});

describe('version and nested', () => {
  it('version auto_filled is the config version', async () => {
    const [param] = await planParams({ v: { version: 'auto_filled' } }, sampleContext('gw_interface', gwInterface, 7));
    expect(param).toEqual({ param: 'v', type: 'value', value: 7, resources: [] });
  });

  it('nested reads inside own objects; absent levels yield null', async () => {
    expect((await plan({ nested: ['primary', 'bgp_peer_ip'] }))?.value).toBe('192.168.8.1');
    expect((await plan({ nested: ['secondary', 'bgp_peer_ip'] }))?.value).toBeNull();
  });
});

describe('concatenate', () => {
  it('treats bare strings as literals and joins mapping results', async () => {
    expect(await plan({ concatenate: [{ field: 'service_type' }, '_gw_id'] })).toEqual({
      param: 'p',
      type: 'value',
      value: 'internet_gw_id',
      resources: [],
    });
  });

  it('collects the resources of every part in order', async () => {
    const param = await plan({
      concatenate: [{ constant: 'FILTER_' }, { field: 'incoming_policer_name', path: ['internet_gw_id', 'qos_option_id'] }],
    });
    expect(param?.value).toBe('FILTER_10M-GA-UP-INET');
    expect(param?.resources.map((r) => r.resource_type)).toEqual(['internet_gateway', 'qos_option']);
  });

  it('a bare string is not a compact mapping here', async () => {
    expect((await plan({ concatenate: ['Pname', 'C_x'] }))?.value).toBe('PnameC_x');
  });

  it('refuses to print null or objects into text', async () => {
    await expect(plan({ concatenate: ['x', { field: 'absent' }] })).rejects.toThrow('part 1 of concatenate is null');
    await expect(plan({ concatenate: [{ field: 'primary' }] })).rejects.toThrow('not text');
  });
});

describe('ignore_missing', () => {
  const dummyDependency = { field: 'id', ignore_missing: true, path: [{ id: 'public_ip_id', type: 'public_ip' }] };

  it('turns a broken path into "" without resources (gw_interface without public_ip_id)', async () => {
    expect(await plan(dummyDependency)).toEqual({ param: 'p', type: 'value', value: '', resources: [] });
  });

  it('covers a referenced resource that is not found', async () => {
    const body = { ...gwInterface, public_ip_id: 'gone' };
    expect((await plan(dummyDependency, 'gw_interface', body))?.value).toBe('');
  });

  it('is transparent when the path works', async () => {
    expect(await plan({ field: 'id', ignore_missing: true, path: ['network_id'] })).toEqual({
      param: 'p',
      type: 'value',
      value: 'n1',
      resources: [{ resource_type: 'network', resource_id: 'n1' }],
    });
  });

  it('does not hide a malformed mapping', async () => {
    await expect(plan({ field: 'id', ignore_missing: true, path: ['tenant_id'] })).rejects.toThrow('unknown relation');
    await expect(plan({ field: 'id', ignore_missing: 'yes' })).rejects.toThrow('"ignore_missing" must be true or false');
  });
});

describe('malformed object mappings', () => {
  it.each([
    [{}, 'needs exactly one of'],
    [{ field: 'a', constant: 1 }, 'needs exactly one of'],
    [{ field: 'a', pth: ['x'] }, 'unexpected ["pth"] in a "field" mapping'],
    [{ constant: 1, path: [] }, 'unexpected ["path"] in a "constant" mapping'],
    [{ field: '' }, '"field" must be a non-empty string'],
    [{ field: 'a', path: 'x' }, '"path" must be a list of hops'],
    [{ field: 'a', path: [{ id: 1 }] }, 'invalid path hop'],
    [{ version: 'latest' }, '"version" only knows "auto_filled"'],
    [{ nested: [] }, '"nested" must be a non-empty list'],
    [{ concatenate: 'x' }, '"concatenate" must be a list'],
    [42, 'a mapping must be a compact string or an object'],
  ])('%j', async (mapping, reason) => {
    const error = await plan(mapping).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MappingError);
    expect((error as MappingError).failure).toBe('bad-mapping');
    expect((error as MappingError).message).toContain(reason);
  });
});
