/**
 * Bodies of the benchmark's resources, after the seed's build: the context every build
 * needs (tenant, network, subnet, ESE switch and its port), then per build a port and
 * an ese_logical_port that carries it (its heat job waits for the port's, and resolves
 * the port's stack output, as in the seed). Values follow the example build's.
 */
export interface BuildContext {
  tenantId: string;
  networkId: string;
  subnetId: string;
  deviceId: string;
  physicalPortId: string;
}

export const TENANT_ID = 'b3c4e5f6a7b8490c8d1e2f3a4b5c6d7e';

export function contextRequests(): { ref: keyof BuildContext; type: string; body: (ctx: Partial<BuildContext>) => Record<string, unknown> }[] {
  return [
    { ref: 'networkId', type: 'network', body: () => ({ name: 'bench-network', description: '', admin_state_up: true, shared: false, plane: 'data', subnets: [], tags: {}, tenant_id: TENANT_ID }) },
    {
      ref: 'subnetId',
      type: 'subnet',
      body: (c) => ({
        name: 'bench-subnet',
        description: '',
        network_id: c.networkId,
        cidr: '10.64.0.0/16',
        ip_version: 4,
        gateway_ip: '10.64.0.1',
        enable_dhcp: false,
        allocation_pools: [{ start: '10.64.0.2', end: '10.64.255.254' }],
        dns_nameservers: [],
        ntp_servers: [],
        host_routes: [],
        tags: {},
        tenant_id: TENANT_ID,
      }),
    },
    {
      ref: 'deviceId',
      type: 'ese_device',
      body: () => ({
        name: 'QFX-BENCH',
        hostname: 'QFX-BENCH',
        existing: 'existing',
        type: 'tor',
        management_ip_address: '127.0.0.1',
        public_ip_address: '127.0.0.1',
        username: 'esi',
        password: 'esi-lab',
        description: '',
        tags: {},
        tenant_id: TENANT_ID,
      }),
    },
    {
      ref: 'physicalPortId',
      type: 'ese_physical_port',
      body: (c) => ({
        name: 'xe-0/0/3',
        ese_device_id: c.deviceId,
        existing: 'new',
        connected_port_owner: 'mx_downlink',
        connected_port_id: '',
        description: '',
        tags: {},
        tenant_id: TENANT_ID,
      }),
    },
  ];
}

/** The n-th build's port: one fixed IP on the subnet, bound like a VM's interface. */
export function portBody(ctx: BuildContext, n: number): Record<string, unknown> {
  const ip = `10.64.${2 + Math.floor(n / 250) % 250}.${2 + (n % 250)}`;
  const mac = `fa:16:3e:${hex(n >> 16)}:${hex(n >> 8)}:${hex(n)}`;
  return {
    name: `bench-port-${n}`,
    description: '',
    network_id: ctx.networkId,
    device_id: '',
    device_owner: 'compute:bench',
    fixed_ips: [{ ip_address: ip, subnet_id: ctx.subnetId }],
    mac_address: mac,
    admin_state_up: true,
    allowed_address_pairs: [],
    attached: false,
    'binding:vif_type': 'vrouter',
    host_routes: [],
    fake_delete: false,
    tags: {},
    tenant_id: TENANT_ID,
    managed_by_service: false,
  };
}

/**
 * A build's logical port: a VLAN unit on the switch port, carrying the port.
 * Every one is the seed's xe-0/0/3.1025, the unit the local stack's simulated switch
 * has, so its monitoring reports UP as in the seed (an interface the switch lacks stays
 * UNKNOWN, and the poller would rewrite every copy's status in the scale phase).
 */
export function logicalPortBody(ctx: BuildContext, portId: string): Record<string, unknown> {
  return {
    name: 'xe-0/0/3.1025',
    type: 'L2',
    vlan_id: 1025,
    port_ids: [portId],
    ese_physical_port_id: ctx.physicalPortId,
    network_id: ctx.networkId,
    connected_resource: 'port',
    tenant_id: TENANT_ID,
    tags: {},
    description: `ESE Logical port for Port ${portId}`,
  };
}

const hex = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');
