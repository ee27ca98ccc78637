import { describe, expect, it } from 'vitest';
import { MappingError, planParams } from './index.js';
import { sampleContext } from './test-support/sample-world.js';

const subnetOutputs = { for_field: 'fixed_ips', for_mapping: { output_key: 'id', path: [{ id: 'subnet_id', type: 'subnet' }] } };
const subnet = (id: string) => ({ resource_type: 'subnet', resource_id: id });

const plan = async (mapping: unknown, resourceType: string, body: Record<string, unknown>) => {
  const [param] = await planParams({ jinja_subnets: mapping }, sampleContext(resourceType, body));
  return param;
};

describe('for_field + for_mapping', () => {
  it('makes a list param of output_keys named like the list, resources hoisted with duplicates (port jinja_subnets)', async () => {
    const port = {
      id: 'p1',
      fixed_ips: [
        { ip_address: '172.16.101.151', subnet_id: 's1' },
        { ip_address: '172.16.101.152', subnet_id: 's1' },
        { ip_address: '172.16.102.1', subnet_id: 's2' },
      ],
    };
    const element = (id: string) => ({
      param: 'jinja_subnets',
      type: 'output_key',
      value: { output_key: 'id', resource_type: 'subnet', resource_id: id },
      resources: [],
    });
    expect(await plan(subnetOutputs, 'port', port)).toEqual({
      param: 'jinja_subnets',
      type: 'list',
      value: [element('s1'), element('s1'), element('s2')],
      resources: [subnet('s1'), subnet('s1'), subnet('s2')],
    });
  });

  it('uses the element itself as the id for {"id": ""} hops (ese_logical_port port_ids)', async () => {
    const mapping = { for_field: 'port_ids', for_mapping: { output_key: 'id', path: [{ id: '', type: 'port' }] } };
    const param = await plan(mapping, 'ese_logical_port', { id: 'elp1', port_ids: ['p1', 'p2'] });
    expect(param?.type).toBe('list');
    expect((param?.value as { value: unknown }[]).map((e) => e.value)).toEqual([
      { output_key: 'id', resource_type: 'port', resource_id: 'p1' },
      { output_key: 'id', resource_type: 'port', resource_id: 'p2' },
    ]);
    expect(param?.resources).toEqual([
      { resource_type: 'port', resource_id: 'p1' },
      { resource_type: 'port', resource_id: 'p2' },
    ]);
  });

  it('an empty list of output_keys is still a list param', async () => {
    expect(await plan(subnetOutputs, 'port', { id: 'p1', fixed_ips: [] })).toEqual({
      param: 'jinja_subnets',
      type: 'list',
      value: [],
      resources: [],
    });
  });

  it('plain element values make a value list; a for_field mapping contributes its resources first (cfg jinja_vrids)', async () => {
    const mapping = { for_field: { field: 'vrrp_config', path: ['common_function_pool_id'] }, for_mapping: { field: 'vrid' } };
    expect(await plan(mapping, 'common_function_gateway', { id: 'cfg1', common_function_pool_id: 'cfp1' })).toEqual({
      param: 'jinja_subnets',
      type: 'value',
      value: [41, 42],
      resources: [{ resource_type: 'common_function_pool', resource_id: 'cfp1' }],
    });
  });

  it('typed hops read the id from object elements, one resource per element (cfg jinja_common_service_numbers)', async () => {
    const mapping = {
      for_field: 'common_functions',
      for_mapping: { field: 'common_function_number', path: [{ id: 'common_function_id', type: 'common_function' }] },
    };
    const body = { id: 'cfg1', common_functions: [{ common_function_id: 'cf1' }, { common_function_id: 'cf2' }] };
    expect(await plan(mapping, 'common_function_gateway', body)).toEqual({
      param: 'jinja_subnets',
      type: 'value',
      value: [1, 2],
      resources: [
        { resource_type: 'common_function', resource_id: 'cf1' },
        { resource_type: 'common_function', resource_id: 'cf2' },
      ],
    });
  });

  it('element fields are not foreign keys of the resource', async () => {
    const mapping = { for_field: 'items', for_mapping: { field: 'network_id' } };
    expect(await plan(mapping, 'port', { id: 'p1', items: [{ network_id: 'n1' }] })).toEqual({
      param: 'jinja_subnets',
      type: 'value',
      value: ['n1'],
      resources: [],
    });
  });

  it('compact element mappings work too', async () => {
    const param = await plan({ for_field: 'fixed_ips', for_mapping: 'Pip_address' }, 'port', { id: 'p1', fixed_ips: [{ ip_address: 'a' }] });
    expect(param?.value).toEqual(['a']);
  });

  it.each([
    [{ for_field: 'fixed_ips' }, { fixed_ips: [] }, '"for_field" needs a "for_mapping"'],
    [{ for_field: 3, for_mapping: 'Pa' }, {}, '"for_field" must be a field name or a mapping'],
    [subnetOutputs, {}, 'for_field "fixed_ips" is missing'],
    [subnetOutputs, { fixed_ips: 'x' }, 'is "x", not a list'],
    [{ for_field: 'ids', for_mapping: { field: 'a' } }, { ids: ['x'] }, 'is "x", not an object with fields'],
    [{ for_field: 'ids', for_mapping: { output_key: 'id', path: [{ id: '', type: 'port' }] } }, { ids: [{}] }, 'is not a port id'],
    [subnetOutputs, { fixed_ips: [{ subnet_id: 'missing' }] }, 'referenced subnet "missing" not found'],
  ])('%j on %j fails', async (mapping, body, reason) => {
    const error = await plan(mapping, 'port', { id: 'p1', ...body }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MappingError);
    expect((error as MappingError).message).toContain(reason);
  });

  it('{"id": ""} outside for_mapping is a mapping error', async () => {
    await expect(plan({ output_key: 'id', path: [{ id: '', type: 'port' }] }, 'port', { id: 'p1' })).rejects.toThrow('outside for_mapping');
  });

  it('ignore_missing on the loop covers a missing element resource', async () => {
    const mapping = { ...subnetOutputs, ignore_missing: true };
    expect(await plan(mapping, 'port', { id: 'p1', fixed_ips: [{ subnet_id: 'missing' }] })).toEqual({
      param: 'jinja_subnets',
      type: 'value',
      value: '',
      resources: [],
    });
  });
});
