import { describe, expect, it } from 'vitest';
import { catalogHops, templatesOfType } from './catalog-reach.js';
import { mappingReach } from './mapping-reads.js';

const relations = {
  port: { network_id: 'network' },
  gw_interface: { internet_gw_id: 'internet_gateway', vpn_gw_id: 'vpn_gateway', network_id: 'network' },
  internet_gateway: { downlink_interface_id: 'ha_interface' },
  vpn_gateway: { downlink_interface_id: 'ha_interface' },
  ha_interface: { ha_router_id: 'ha_router' },
  ha_router: { primary_router_id: 'edge_router' },
  ese_logical_port: { ese_physical_port_id: 'ese_physical_port' },
};

const hopsOf = (mapping: unknown, type: string) => mappingReach(mapping, type, relations).hops;

describe('mappingReach', () => {
  it('lists a typed hop with the guard of its branch (port.device_id)', () => {
    const mapping = {
      if_mapping: { equal: [{ field: 'device_owner' }, { constant: 'network:gw_interface' }] },
      then_mapping: { field: 'id', path: [{ id: 'device_id', type: 'gw_interface' }] },
      else_mapping: { constant: null },
    };
    expect(hopsOf(mapping, 'port')).toEqual([
      { sourceType: 'port', field: 'device_id', targetType: 'gw_interface', when: { field: 'device_owner', equals: 'network:gw_interface' } },
    ]);
  });

  it('lists hops inside for_mapping with the list path (fixed_ips[].subnet_id, port_ids[])', () => {
    expect(hopsOf({ for_field: 'fixed_ips', for_mapping: { output_key: 'id', path: [{ id: 'subnet_id', type: 'subnet' }] } }, 'port')).toEqual([
      { sourceType: 'port', field: 'fixed_ips[].subnet_id', targetType: 'subnet' },
    ]);
    expect(hopsOf({ for_field: 'port_ids', for_mapping: { output_key: 'id', path: [{ id: '', type: 'port' }] } }, 'ese_logical_port')).toEqual([
      { sourceType: 'ese_logical_port', field: 'port_ids[]', targetType: 'port' },
    ]);
  });

  it('follows every hop of a compact F chain and reads its last field', () => {
    const reach = mappingReach('Finternet_gateway+internet_gw_id:ha_interface+downlink_interface_id:ha_router+ha_router_id:edge_router+primary_router_id:password', 'gw_interface', relations);
    expect(reach.hops.map((h) => `${h.sourceType}.${h.field}->${h.targetType}`)).toEqual([
      'gw_interface.internet_gw_id->internet_gateway',
      'internet_gateway.downlink_interface_id->ha_interface',
      'ha_interface.ha_router_id->ha_router',
      'ha_router.primary_router_id->edge_router',
    ]);
    expect(reach.reads).toContainEqual({ type: 'edge_router', field: 'password' });
  });

  it('expands a computed hop to every foreign key its text may name', () => {
    const mapping = { field: 'ip', path: [{ concatenate: [{ field: 'service_type' }, '_gw_id'] }, 'downlink_interface_id'] };
    const hops = hopsOf(mapping, 'gw_interface').map((h) => `${h.sourceType}.${h.field}->${h.targetType}`);
    expect(hops.sort()).toEqual([
      'gw_interface.internet_gw_id->internet_gateway',
      'gw_interface.vpn_gw_id->vpn_gateway',
      'internet_gateway.downlink_interface_id->ha_interface',
      'vpn_gateway.downlink_interface_id->ha_interface',
    ]);
  });

  it('counts reading an own foreign key as a hop (the job depends on what it names)', () => {
    expect(hopsOf({ field: 'primary_router_id' }, 'ha_router')).toEqual([{ sourceType: 'ha_router', field: 'primary_router_id', targetType: 'edge_router' }]);
    expect(hopsOf('Mese_physical_port:ese_physical_port_id:id', 'ese_logical_port')).toEqual([
      { sourceType: 'ese_logical_port', field: 'ese_physical_port_id', targetType: 'ese_physical_port' },
    ]);
  });
});

describe('templatesOfType', () => {
  const known = ['gw_interface_internet', 'gw_interface_vpn', 'gw_interface_monitoring', 'port', 'port_monitoring'];
  it('names the templates a constant, a concatenation or a branch may choose', () => {
    expect(templatesOfType('Cport', known)).toEqual(['port']);
    expect(templatesOfType('ACgw_interface_&Pservice_type', known)).toEqual(['gw_interface_internet', 'gw_interface_monitoring', 'gw_interface_vpn']);
    expect(templatesOfType({ if_mapping: { regexp: [{ field: 'device_owner' }, { constant: 'x' }] }, then_mapping: { constant: null }, else_mapping: { constant: 'port' } }, known)).toEqual(['port']);
  });

  it('lists the hops of a catalog from the types using each template', () => {
    const hops = catalogHops({
      templateMappings: { ese_logical_port: { heat_worker: 'Cese_logical_port' } },
      parameterMappings: { ese_logical_port: { physical_port_id: 'Mese_physical_port:ese_physical_port_id:id' } },
      relations,
    });
    expect(hops).toEqual([
      { sourceType: 'ese_logical_port', field: 'ese_physical_port_id', targetType: 'ese_physical_port', template: 'ese_logical_port', param: 'physical_port_id' },
    ]);
  });
});
