import { describe, expect, it } from 'vitest';
import { compactToObject } from './compact-mapping.js';
import { MappingFault } from './errors.js';
import { planParams } from './index.js';
import { gwInterface, sampleContext } from './test-support/sample-world.js';

const plan = async (mapping: string, body: Record<string, unknown> = gwInterface, version = 1) => {
  const [param] = await planParams({ p: mapping }, sampleContext('gw_interface', body, version));
  return param;
};

describe('compact DSL translation', () => {
  it.each([
    ['C6', { constant: '6' }],
    ['Cdefault-domain:default-project:default-network-ipam', { constant: 'default-domain:default-project:default-network-ipam' }],
    ['C', { constant: '' }],
    ['Pname', { field: 'name' }],
    ['Vauto_filled', { version: 'auto_filled' }],
    ['Mnetwork:network_id:id', { output_key: 'id', path: [{ id: 'network_id', type: 'network' }] }],
    [
      'Fese_physical_port+ese_physical_port_id:ese_device+ese_device_id:management_ip_address',
      {
        field: 'management_ip_address',
        path: [
          { id: 'ese_physical_port_id', type: 'ese_physical_port' },
          { id: 'ese_device_id', type: 'ese_device' },
        ],
      },
    ],
    ['Oprimary:bgp_peer_ip', { nested: ['primary', 'bgp_peer_ip'] }],
    ['APvrf_name&C_filter', { concatenate: [{ field: 'vrf_name' }, { constant: '_filter' }] }],
    [
      'ACFILTER_&Fqos_option+qos_option_id:incoming_policer_name',
      { concatenate: [{ constant: 'FILTER_' }, { field: 'incoming_policer_name', path: [{ id: 'qos_option_id', type: 'qos_option' }] }] },
    ],
  ])('%s', (text, expected) => {
    expect(compactToObject(text)).toEqual(expected);
  });

  it.each([
    ['', 'unknown compact mapping'],
    ['Xfoo', 'unknown compact mapping'],
    ['P', 'missing a field name'],
    ['Vnow', 'V only knows "auto_filled"'],
    ['Mnetwork:network_id', 'M needs'],
    ['Fname', 'F needs at least one'],
    ['Fnetwork:name', 'is not <type>+<fk>'],
    ['Oprimary', 'O needs'],
    ['ACx&Mnetwork:network_id:id', 'part "Mnetwork:network_id:id" of A'],
  ])('rejects %j', (text, reason) => {
    expect(() => compactToObject(text)).toThrow(MappingFault);
    expect(() => compactToObject(text)).toThrow(reason);
  });
});

describe('compact DSL evaluation', () => {
  it('C is always a string, even when it looks like a number or boolean', async () => {
    expect(await plan('C105')).toEqual({ param: 'p', type: 'value', value: '105', resources: [] });
    expect((await plan('CFalse'))?.value).toBe('False');
  });

  it('P reads the own field with its JSON type and lists no resources', async () => {
    expect(await plan('Pnetmask')).toEqual({ param: 'p', type: 'value', value: 24, resources: [] });
    expect((await plan('Pattached'))?.value).toBe(false);
  });

  it('V yields the config version being planned', async () => {
    expect(await plan('Vauto_filled', gwInterface, 3)).toEqual({ param: 'p', type: 'value', value: 3, resources: [] });
  });

  it('M is an output_key of the referenced resource, which is its only resource', async () => {
    expect(await plan('Mnetwork:network_id:id')).toEqual({
      param: 'p',
      type: 'output_key',
      value: { output_key: 'id', resource_type: 'network', resource_id: 'n1' },
      resources: [{ resource_type: 'network', resource_id: 'n1' }],
    });
  });

  it('M keeps the seed key order output_key, resource_type, resource_id', async () => {
    expect(Object.keys((await plan('Mnetwork:network_id:id'))?.value as object)).toEqual([
      'output_key',
      'resource_type',
      'resource_id',
    ]);
  });

  it('F follows typed hops and lists one resource per hop in path order', async () => {
    const param = await plan(
      'Finternet_gateway+internet_gw_id:ha_interface+downlink_interface_id:ha_router+ha_router_id:edge_router+primary_router_id:ip',
    );
    expect(param?.value).toBe('10.79.5.185');
    expect(param?.resources).toEqual([
      { resource_type: 'internet_gateway', resource_id: 'ig1' },
      { resource_type: 'ha_interface', resource_id: 'hi1' },
      { resource_type: 'ha_router', resource_id: 'hr1' },
      { resource_type: 'edge_router', resource_id: 'er1' },
    ]);
  });

  it('F does not need relations: the hop names its type', async () => {
    const ctx = { ...sampleContext('gw_interface', gwInterface), relations: {} };
    const [param] = await planParams({ vlan: 'Finternet_gateway+internet_gw_id:vlan_id' }, ctx);
    expect(param).toEqual({
      param: 'vlan',
      type: 'value',
      value: '1025',
      resources: [{ resource_type: 'internet_gateway', resource_id: 'ig1' }],
    });
  });

  it('O reads a nested member of the own body', async () => {
    expect(await plan('Oprimary:bgp_peer_ip')).toEqual({ param: 'p', type: 'value', value: '192.168.8.1', resources: [] });
  });

  it('A concatenates constants, own fields and paths; resources come from the F parts', async () => {
    expect(await plan('ACgw_&Pservice_type&C_&Pvrid')).toEqual({ param: 'p', type: 'value', value: 'gw_internet_20', resources: [] });
    const viaPath = await plan('AFinternet_gateway+internet_gw_id:vrf_name&C_prefix');
    expect(viaPath).toEqual({
      param: 'p',
      type: 'value',
      value: 'vrf_1025_prefix',
      resources: [{ resource_type: 'internet_gateway', resource_id: 'ig1' }],
    });
  });

  it('A prints booleans the way the original Python planner did', async () => {
    expect((await plan('APattached&C!'))?.value).toBe('False!');
  });
});
