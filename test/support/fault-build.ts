/**
 * A build for the fault tests: groups of resources that depend on each other across
 * types (network → subnet → ports → logical ports, switch → physical port → logical
 * ports), with ids chosen by the client so a retried create is recognisable.
 */
import { randomUUID } from 'node:crypto';

export interface FaultResource {
  type: string;
  id: string;
  body: Record<string, unknown>;
}

export function faultBuild(groups: number, tenant = 'fault-tenant'): FaultResource[] {
  const out: FaultResource[] = [];
  for (let g = 0; g < groups; g++) {
    const net = randomUUID();
    const sub = randomUUID();
    const dev = randomUUID();
    const pp = randomUUID();
    const third = 10 + (g % 200);
    out.push({ type: 'network', id: net, body: { id: net, name: `net-${g}`, admin_state_up: true, tenant_id: tenant } });
    out.push({
      type: 'subnet',
      id: sub,
      body: { id: sub, name: `sub-${g}`, network_id: net, cidr: `10.${third}.${g % 250}.0/24`, ip_version: 4, gateway_ip: `10.${third}.${g % 250}.1`, enable_dhcp: false, tenant_id: tenant },
    });
    out.push({ type: 'ese_device', id: dev, body: { id: dev, name: `sw-${g}`, hostname: `sw-${g}`, existing: 'existing', management_ip_address: '127.0.0.1', tenant_id: tenant } });
    out.push({ type: 'ese_physical_port', id: pp, body: { id: pp, name: `xe-0/0/${g % 48}`, ese_device_id: dev, existing: 'new', tenant_id: tenant } });
    for (let k = 0; k < 2; k++) {
      const port = randomUUID();
      const lp = randomUUID();
      const vlan = 100 + g * 2 + k;
      out.push({
        type: 'port',
        id: port,
        body: {
          id: port, name: `port-${g}-${k}`, network_id: net, device_owner: 'compute:nova', device_id: `vm-${g}-${k}`, attached: false,
          fixed_ips: [{ ip_address: `10.${third}.${g % 250}.${10 + k}`, subnet_id: sub }], admin_state_up: true, tenant_id: tenant,
          mac_address: `fa:16:3e:00:${(g % 256).toString(16).padStart(2, '0')}:0${k}`, allowed_address_pairs: [], 'binding:vif_type': 'vrouter',
          host_routes: [], fake_delete: false, tags: {}, segmentation_id: vlan, segmentation_type: 'vlan', managed_by_service: true,
        },
      });
      out.push({
        type: 'ese_logical_port',
        id: lp,
        body: {
          id: lp, name: `xe-0/0/${g % 48}.${vlan}`, type: 'L2', vlan_id: vlan, network_id: net, ese_physical_port_id: pp, port_ids: [port],
          connected_resource: 'gw_interface', tenant_id: tenant, tags: {},
        },
      });
    }
  }
  return out;
}
