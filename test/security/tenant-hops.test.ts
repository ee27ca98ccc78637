/**
 * Every hop is a checked reference. Fields the planner follows without a declared
 * reference (`port.fixed_ips[].subnet_id`, `port.device_id` of a gateway port) may name
 * only the caller's own resources or shared infrastructure, at create, update and Plan;
 * another tenant's id is answered exactly like an absent one (INVALID_ARGUMENT naming
 * the field, the same words), nothing is written to etcd or the streams, and a Plan of a
 * stored resource that points at another tenant's resource sees it as missing and shows
 * none of its stack outputs. Admins keep full access to write; what the planner follows
 * is the resource's own tenant's (planner-tenancy.test.ts). A real stack, no mocks.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResource, getResource, planChange, updateResource, type ResourceClient } from '@esi/client';
import type { Stack } from '@esi/local-stack';
import { startTwoTenantStack, type TwoTenantStack } from '../support/tenant-stack.js';
import { waitFor } from '../support/wait.js';
import { rejection } from '../support/rejection.js';

let tenants: TwoTenantStack;
let stack: Stack;
let admin: ResourceClient;
let a: ResourceClient;
let b: ResourceClient;
let etcd: Etcd3;
let nc: NatsConnection;
let bSubnetStackId = '';

beforeAll(async () => {
  tenants = await startTwoTenantStack('hops');
  ({ stack, admin, a, b, etcd } = tenants);
  nc = await connect({ servers: stack.natsUrl });
  // Tenant B's network and subnet, settled so the subnet has a stack with outputs.
  await createResource(b, 'network', { id: 'b-net', name: 'b-net' });
  await createResource(b, 'subnet', { id: 'b-sub', network_id: 'b-net', cidr: '10.9.0.0/24' });
  // Tenant A's own network and subnet.
  await createResource(a, 'network', { id: 'a-net', name: 'a-net' });
  await createResource(a, 'subnet', { id: 'a-sub', network_id: 'a-net', cidr: '10.8.0.0/24' });
  const stackRecord = await waitFor('B subnet stack', async () => (await etcd.get('/esi-worker/heat_stacks/v2.0/subnets/b-sub').string()) ?? undefined, 60_000);
  const outputs = (JSON.parse(stackRecord) as { output: { output_key: string; output_value: unknown }[] }).output;
  bSubnetStackId = String(outputs.find((o) => o.output_key === 'id')!.output_value);
  // Shared infrastructure created by the admin for a provider tenant: an ESE device and port.
  await createResource(admin, 'ese_device', { id: 'dev-1', name: 'qfx', hostname: 'qfx', existing: 'existing', type: 'tor', management_ip_address: '127.0.0.1', username: 'u', password: 'p', tenant_id: 'provider' });
  await createResource(admin, 'ese_physical_port', { id: 'dev-1-xe0', name: 'xe-0/0/0', ese_device_id: 'dev-1', existing: 'existing', tenant_id: 'provider' });
}, 120_000);

afterAll(async () => {
  await nc?.close();
  await tenants?.stop();
});

/**
 * What the api writes: /config and the config stream. The workers are still settling
 * earlier changes while a test runs, so only the api's own slice is compared.
 */
async function everything(): Promise<{ keys: Record<string, string>; configMessages: number }> {
  const jsm = await jetstreamManager(nc);
  let configMessages = -1;
  for await (const s of jsm.streams.list()) if (s.config.name.endsWith('CONFIG')) configMessages = s.state.messages;
  return { keys: await etcd.getAll().prefix('/config/').strings(), configMessages };
}

const portWithSubnet = (id: string, subnet: string) => ({ id, network_id: 'a-net', device_owner: 'compute:nova', fixed_ips: [{ ip_address: '10.8.0.5', subnet_id: subnet }] });
const gatewayPort = (id: string, device: string) => ({ id, network_id: 'a-net', device_owner: 'network:gw_interface', device_id: device, fixed_ips: [] });
/** An answer with the probed id replaced, to compare "not yours" with "absent" word for word. */
const shape = (err: ServiceError, id: string) => ({ code: err.code, details: err.details.split(id).join('<id>'), field: err.metadata.get('esi-field') });

describe('every hop is a checked reference', () => {
  it('create: another tenant’s subnet in fixed_ips is answered exactly like an absent one, and nothing is written', async () => {
    const before = await everything();
    const foreign = await rejection(createResource(a, 'port', portWithSubnet('a-port-x', 'b-sub')));
    const absent = await rejection(createResource(a, 'port', portWithSubnet('a-port-x', 'zz-sub')));
    expect(foreign.code).toBe(status.INVALID_ARGUMENT);
    expect(foreign.metadata.get('esi-field')).toEqual(['body_json.fixed_ips[0].subnet_id']);
    expect(shape(foreign, 'b-sub')).toEqual(shape(absent, 'zz-sub'));
    expect(await everything()).toEqual(before);
  });

  it('create: a gateway port’s device_id naming another tenant’s gateway interface is refused like an absent one', async () => {
    // B's gateway interface, put in place by hand: only its existence matters here.
    await etcd.put('/config/v2.0/gw_interfaces/b-gwif').value(JSON.stringify({ body: JSON.stringify({ id: 'b-gwif', tenant_id: 'tb', service_type: 'internet' }), marked_for_deletion: false, version: 1 }));
    const before = await everything();
    const foreign = await rejection(createResource(a, 'port', gatewayPort('a-port-gw', 'b-gwif')));
    const absent = await rejection(createResource(a, 'port', gatewayPort('a-port-gw', 'zz-gwif')));
    expect(foreign.code).toBe(status.INVALID_ARGUMENT);
    expect(foreign.metadata.get('esi-field')).toEqual(['body_json.device_id']);
    expect(shape(foreign, 'b-gwif')).toEqual(shape(absent, 'zz-gwif'));
    expect(await everything()).toEqual(before);
    // device_id of a port that is not a gateway's is not followed, so not checked.
    await createResource(a, 'port', { id: 'a-vm-port', network_id: 'a-net', device_owner: 'compute:nova', device_id: 'some-vm', fixed_ips: [] });
  });

  it('update: moving an own port onto another tenant’s subnet is refused like an absent one, and nothing is written', async () => {
    await createResource(a, 'port', portWithSubnet('a-port-1', 'a-sub'));
    const before = await everything();
    const patch = (subnet: string) => JSON.stringify({ fixed_ips: [{ ip_address: '10.8.0.6', subnet_id: subnet }] });
    const foreign = await rejection(updateResource(a, 'port', 'a-port-1', JSON.parse(patch('b-sub')) as Record<string, unknown>));
    const absent = await rejection(updateResource(a, 'port', 'a-port-1', JSON.parse(patch('zz-sub')) as Record<string, unknown>));
    expect(foreign.metadata.get('esi-field')).toEqual(['body_json.fixed_ips[0].subnet_id']);
    expect(shape(foreign, 'b-sub')).toEqual(shape(absent, 'zz-sub'));
    expect(await everything()).toEqual(before);
  });

  it('Plan: a create naming another tenant’s subnet is refused like an absent one; nothing is written', async () => {
    const before = await everything();
    const plan = (subnet: string) => planChange(a, { resource: { resourceType: 'port', id: '', bodyJson: JSON.stringify(portWithSubnet('a-port-p', subnet)), update: false, delete: false } });
    const foreign = await rejection(plan('b-sub'));
    const absent = await rejection(plan('zz-sub'));
    expect(foreign.code).toBe(status.INVALID_ARGUMENT);
    expect(shape(foreign, 'b-sub')).toEqual(shape(absent, 'zz-sub'));
    expect(await everything()).toEqual(before);
  });

  it('Plan of a stored port that points at another tenant’s subnet sees it as missing and shows none of its outputs', async () => {
    // As if written before this check existed (or after an id was reused): put around the api.
    for (const [id, subnet] of [['a-old-foreign', 'b-sub'], ['a-old-absent', 'zz-sub']] as const) {
      await etcd.put(`/config/v2.0/ports/${id}`).value(JSON.stringify({ body: JSON.stringify({ ...portWithSubnet(id, subnet), tenant_id: 'ta' }), marked_for_deletion: false, version: 1 }));
    }
    const plan = (id: string) => planChange(a, { resource: { resourceType: 'port', id, bodyJson: '{"description": "x"}', update: true, delete: false } });
    const foreign = await plan('a-old-foreign');
    const absent = await plan('a-old-absent');
    expect(foreign.outcome).toBe('failed');
    const words = (text: string, port: string, subnet: string) => text.split(port).join('<port>').split(subnet).join('<id>');
    expect(foreign.error).not.toBe('');
    expect(words(foreign.error, 'a-old-foreign', 'b-sub')).toBe(words(absent.error, 'a-old-absent', 'zz-sub'));
    expect(JSON.stringify(foreign)).not.toContain(bSubnetStackId);
    // The planner refuses the hop whoever changed the port (it is A's port: B's subnet is
    // not its to follow), so an admin's dry run, which shows what the planner would do,
    // sees it missing too — while the port's own subnet hop, when it is A's, resolves.
    const adminPlan = await planChange(admin, { resource: { resourceType: 'port', id: 'a-old-foreign', bodyJson: '{"description": "x"}', update: true, delete: false } });
    expect(adminPlan.outcome).toBe('failed');
    expect(JSON.stringify(adminPlan)).not.toContain(bSubnetStackId);
  });

  it('shared infrastructure may be referenced by any tenant but changed only by an admin', async () => {
    const elp = { id: 'a-elp', network_id: 'a-net', connected_resource: 'gw_interface', type: 'L2', vlan_id: 1100, ese_physical_port_id: 'dev-1-xe0', port_ids: [] };
    expect((await createResource(a, 'ese_logical_port', elp)).resource!.id).toBe('a-elp');
    const before = await everything();
    const denied = await rejection(createResource(a, 'edge_router', { name: 'mine', ip: '192.0.2.1', login: 'x', password: 'y', ssh_port: 22 }));
    expect(denied.code).toBe(status.PERMISSION_DENIED);
    expect((await rejection(updateResource(a, 'ese_physical_port', 'dev-1-xe0', { name: 'renamed' }))).code).toBe(status.PERMISSION_DENIED);
    expect(await everything()).toEqual(before);
  });

  it('an admin keeps full access: it may point a tenant’s port at another tenant’s subnet', async () => {
    const res = await createResource(admin, 'port', { ...portWithSubnet('admin-made-port', 'b-sub'), tenant_id: 'ta' });
    expect(res.resource!.id).toBe('admin-made-port');
    expect((await getResource(admin, 'port', 'admin-made-port')).resource!.bodyJson).toContain('b-sub');
  });
});
