import { describe, expect, it } from 'vitest';
import { buildProblems, loadExampleBuild, refsIn, resolveRefs } from './example-build.js';
import { loadTemplates } from './load-templates.js';
import { loadRelations, loadResourceTypes } from './resource-types.js';
import { exampleWorld } from './test-support/example-world.js';
import { planExample } from './test-support/plan-example.js';

const build = loadExampleBuild();
const types = loadResourceTypes();

describe('examples/internet-gateway.json', () => {
  it('uses known types, carries their required fields and only refers to earlier requests', () => {
    expect(buildProblems(build, types)).toEqual([]);
  });

  it('follows the creation order of the recorded internet-gateway build', () => {
    const order = build.map((r) => r.type).filter((type, i, all) => type !== all[i - 1]);
    expect(order).toEqual([
      'tenant', 'ese_device', 'ese_physical_port', 'edge_router', 'ha_router', 'er_physical_interface',
      'ha_interface', 'internet_service', 'qos_option', 'public_ip_pool', 'internet_gateway', 'public_ip',
      'network', 'subnet', 'port', 'gw_interface', 'port', 'ese_logical_port', 'static_route',
    ]);
  });

  it('points the switch at the local SNMP simulator', () => {
    expect(build.find((r) => r.type === 'ese_device')?.body.management_ip_address).toBe('127.0.0.1');
  });

  it('ends with a gw_interface, its two ports and two logical ports shaped like the seed', () => {
    const world = exampleWorld(build, loadRelations());
    const gw = world.byRef.get('gw-if');
    const ports = world.resources.filter((r) => r.type === 'port' && r.body.device_owner === 'network:gw_interface');
    const logical = world.resources.filter((r) => r.type === 'ese_logical_port');
    expect(ports).toHaveLength(2);
    expect(logical).toHaveLength(2);
    logical.forEach((lp, i) => {
      const port = ports[i];
      const physical = world.find('ese_physical_port', String(lp.body.ese_physical_port_id));
      expect(port?.body.device_id).toBe(gw?.id);
      expect(lp.body).toMatchObject({
        name: `${String(physical?.body.name)}.${String(lp.body.vlan_id)}`,
        type: 'L2',
        port_ids: [port?.id],
        network_id: gw?.body.network_id,
        gw_interface_id: gw?.id,
        connected_resource: 'gw_interface',
        tags: {},
        description: `ESE Logical port for Port ${String(port?.id)}`,
      });
      expect(Object.keys(lp.body).sort()).toEqual(
        ['connected_resource', 'description', 'ese_physical_port_id', 'gw_interface_id', 'id', 'name', 'network_id', 'port_ids', 'tags', 'tenant_id', 'type', 'vlan_id'],
      );
    });
    expect(build.at(-1)?.type).toBe('static_route');
  });
});

describe('$ref handling', () => {
  const created = new Map([
    ['net', { id: 'n-1', body: { name: 'lab', mtu: 1500 } }],
    ['port', { id: 'p-1', body: {} }],
  ]);
  const lookup = (ref: string) => created.get(ref);

  it('replaces whole-string refs by ids or typed field values and embedded ones by text', () => {
    const body = { network_id: '$ref:net', mtu: '$ref:net.mtu', ids: ['$ref:port'], note: 'Port $ref:port.id on $ref:net.name.' };
    expect(resolveRefs(body, lookup)).toEqual({ network_id: 'n-1', mtu: 1500, ids: ['p-1'], note: 'Port p-1 on lab.' });
    expect(refsIn(body)).toEqual([
      { ref: 'net' },
      { ref: 'net', field: 'mtu' },
      { ref: 'port' },
      { ref: 'port', field: 'id' },
      { ref: 'net', field: 'name' },
    ]);
  });

  it('fails on unknown refs and fields', () => {
    expect(() => resolveRefs('$ref:nope', lookup)).toThrow(/earlier request/);
    expect(() => resolveRefs('x $ref:net.nope', lookup)).toThrow(/no such field/);
  });

  it('reports later or unknown refs as build problems', () => {
    const problems = buildProblems(
      [
        { ref: 'a', type: 'network', body: { x: '$ref:b' } },
        { ref: 'b', type: 'network', body: {} },
        { ref: 'b', type: 'nonsense', body: {} },
      ],
      types,
    );
    expect(problems).toEqual([
      'a (network): $ref:b is not an earlier request',
      'b (nonsense): ref used twice',
      'b (nonsense): unknown type',
    ]);
  });
});

describe('planning the example against our catalog', () => {
  it('resolves every template and every parameter from the example bodies', async () => {
    const world = exampleWorld(build, loadRelations());
    const plan = planExample(world.resources, world, types, await loadTemplates());
    expect(plan.problems).toEqual([]);
    expect(plan.nonWorkable.map((r) => `${r.type}:${String(r.body.name ?? '')}`)).toEqual([
      'tenant:', 'internet_service:lab-internet-service', 'qos_option:10Mbps-Guaranteed', 'public_ip_pool:',
      'port:dhcp-server-port',
    ]);
  });

  it('gives the ese_logical_port jobs the parameters of the seed document', async () => {
    const world = exampleWorld(build, loadRelations());
    const plan = planExample(world.resources, world, types, await loadTemplates());
    const lp = world.byRef.get('elp-xe4');
    const port = world.byRef.get('gw-port-b');
    const physical = world.byRef.get('ese-port-xe4');
    const device = world.byRef.get('ese-device');
    const jobs = plan.jobs.filter((j) => j.resource === lp);
    expect(jobs.map((j) => j.template.id)).toEqual(['ese_logical_port', 'ese_logical_port_monitoring']);
    expect(jobs[0]?.params).toEqual({
      logical_port_name: { kind: 'value', value: 'xe-0/0/4.1025' },
      logical_port_type: { kind: 'value', value: 'L2' },
      logical_port_vlan_id: { kind: 'value', value: 1025 },
      physical_port_id: { kind: 'output_key', type: 'ese_physical_port', id: physical?.id, key: 'id' },
      virtual_machine_interface_ids: { kind: 'list', items: [{ kind: 'output_key', type: 'port', id: port?.id, key: 'id' }] },
    });
    expect(jobs[1]?.params).toEqual({
      name: { kind: 'value', value: 'xe-0/0/4.1025' },
      port_ids: { kind: 'value', value: [port?.id] },
      device_ip: { kind: 'value', value: device?.body.management_ip_address },
      contarail_port_id: { kind: 'output_key', type: 'ese_logical_port', id: lp?.id, key: 'id' },
      community_name: { kind: 'value', value: 'ESE_NODE_COMMUNITY' },
      id: { kind: 'value', value: lp?.id },
    });
  });
});
