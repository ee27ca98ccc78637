import type { MappingContext, Relations } from '../types.js';
import { memoryLookup } from './memory-lookup.js';

/** A small internet-gateway graph shaped like the recorded G1 data, with short ids. */
export const relations: Relations = {
  gw_interface: { internet_gw_id: 'internet_gateway', network_id: 'network', public_ip_id: 'public_ip', vpn_gw_id: 'vpn_gateway' },
  internet_gateway: { downlink_interface_id: 'ha_interface', associated_uplink_id: 'ha_interface', qos_option_id: 'qos_option' },
  ha_interface: { ha_router_id: 'ha_router', primary_interface_id: 'er_physical_interface' },
  ha_router: { primary_router_id: 'edge_router', secondary_router_id: 'edge_router' },
  subnet: { network_id: 'network' },
  port: { network_id: 'network' },
  common_function_gateway: { common_function_pool_id: 'common_function_pool' },
};

export const bodies: Record<string, Record<string, unknown>> = {
  'internet_gateway/ig1': {
    id: 'ig1',
    vrf_name: 'vrf_1025',
    vlan_id: '1025',
    downlink_interface_id: 'hi1',
    qos_option_id: 'q1',
  },
  'ha_interface/hi1': { id: 'hi1', ha_router_id: 'hr1', primary_interface_id: 'epi1' },
  'ha_router/hr1': { id: 'hr1', primary_router_id: 'er1', secondary_router_id: 'er2' },
  'edge_router/er1': { id: 'er1', ip: '10.79.5.185', ssh_port: 830 },
  'edge_router/er2': { id: 'er2', ip: '10.79.5.184', ssh_port: 830 },
  'er_physical_interface/epi1': { id: 'epi1', name: 'ae0' },
  'qos_option/q1': { id: 'q1', incoming_policer_name: '10M-GA-UP-INET' },
  'network/n1': { id: 'n1' },
  'subnet/s1': { id: 's1', network_id: 'n1' },
  'subnet/s2': { id: 's2', network_id: 'n1' },
  'port/p1': { id: 'p1' },
  'port/p2': { id: 'p2' },
  'gw_interface/gw1': { id: 'gw1' },
  'common_function_pool/cfp1': { id: 'cfp1', vrrp_config: [{ vrid: 41 }, { vrid: 42 }] },
  'common_function/cf1': { id: 'cf1', common_function_number: 1 },
  'common_function/cf2': { id: 'cf2', common_function_number: 2 },
};

export const gwInterface = {
  id: 'gw1',
  service_type: 'internet',
  internet_gw_id: 'ig1',
  network_id: 'n1',
  vrid: 20,
  netmask: 24,
  attached: false,
  primary: { bgp_peer_ip: '192.168.8.1' },
};

/** Context for planning `body` as a `resourceType` inside the sample graph. */
export function sampleContext(
  resourceType: string,
  body: Record<string, unknown>,
  version = 1,
): MappingContext & { lookup: ReturnType<typeof memoryLookup> } {
  return {
    resourceType,
    resourceId: typeof body.id === 'string' ? body.id : 'self',
    body,
    version,
    relations,
    lookup: memoryLookup(bodies),
  };
}
