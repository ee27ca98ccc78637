/**
 * The planner applies the tenant rule too. The api checks a reference when a body is
 * written, but an id can change hands afterwards: tenant A's port names A's subnet S, S
 * is deleted, and tenant B creates a subnet with the same id. Planning A's port again
 * must not follow into B's subnet — not read its body, not wait for its jobs, not render
 * its stack outputs into A's stack: to A's port it is missing, and the change fails with
 * the words of a missing reference, naming the parameter. Shared infrastructure stays
 * reachable. A real stack, no mocks.
 */
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResource, deleteResource, getResource, updateResource, type ResourceClient } from '@esi/client';
import { startTwoTenantStack, type TwoTenantStack } from '../support/tenant-stack.js';
import { waitFor } from '../support/wait.js';

const S = 'reused-sub';

let tenants: TwoTenantStack;
let admin: ResourceClient;
let a: ResourceClient;
let b: ResourceClient;
let etcd: Etcd3;

beforeAll(async () => {
  tenants = await startTwoTenantStack('planner-tenancy');
  ({ admin, a, b, etcd } = tenants);
}, 120_000);

afterAll(async () => {
  await tenants?.stop();
});

interface State {
  version: number;
  error: string;
  state: { worker_state: string };
}

async function stateOf(type: string, id: string): Promise<State | undefined> {
  const r = (await getResource(admin, type, id)).resource!;
  return r.stateJson ? (JSON.parse(r.stateJson) as State) : undefined;
}

const settled = (type: string, id: string, version: number) =>
  waitFor(`${type} ${id} v${version} to settle`, async () => {
    const s = await stateOf(type, id);
    return s && s.version >= version && /_(COMPLETED|FAILED)$|READ_COMPLETE/.test(s.state.worker_state) ? s : undefined;
  }, 90_000);

async function subnetStackId(): Promise<string> {
  const record = await etcd.get(`/esi-worker/heat_stacks/v2.0/subnets/${S}`).string();
  if (!record) return '';
  const outputs = (JSON.parse(record) as { output: { output_key: string; output_value: unknown }[] }).output;
  return String(outputs.find((o) => o.output_key === 'id')?.output_value ?? '');
}

describe('the planner follows only what the planned resource may reference', () => {
  it('an id that changed hands: A’s port is not planned against B’s subnet of the same id, and none of B’s outputs reach it', async () => {
    // A's subnet S and a port on it, settled.
    await createResource(a, 'network', { id: 'a-net', name: 'a-net' });
    await createResource(a, 'subnet', { id: S, network_id: 'a-net', cidr: '10.8.0.0/24' });
    await settled('subnet', S, 1);
    const aStackId = await subnetStackId();
    expect(aStackId).not.toBe('');
    await createResource(a, 'port', {
      id: 'a-port',
      network_id: 'a-net',
      device_owner: 'compute:nova',
      device_id: 'vm-1',
      admin_state_up: true,
      mac_address: 'fa:16:3e:00:00:01',
      allowed_address_pairs: [],
      fixed_ips: [{ ip_address: '10.8.0.5', subnet_id: S }],
    });
    const created = await settled('port', 'a-port', 1);
    expect(created.state.worker_state, created.error).toBe('CREATE_COMPLETED');

    // S is deleted; tenant B creates a subnet with the same id, settled with a stack of its own.
    await deleteResource(a, 'subnet', S);
    await waitFor('A’s subnet gone', async () => ((await etcd.get(`/config/v2.0/subnets/${S}`).string()) === null ? true : undefined), 90_000);
    await createResource(b, 'network', { id: 'b-net', name: 'b-net' });
    await waitFor('B’s subnet accepted', async () => {
      try {
        return await createResource(b, 'subnet', { id: S, network_id: 'b-net', cidr: '10.9.0.0/24' });
      } catch {
        return undefined; // the deleted subnet's /state may linger a moment
      }
    }, 60_000);
    const bStackId = await waitFor('B’s subnet stack', async () => {
      const id = await subnetStackId();
      return id !== '' && id !== aStackId ? id : undefined;
    }, 90_000);

    // A changes its port: the planner must see S as missing to it.
    const updated = await updateResource(a, 'port', 'a-port', { description: 'after the id changed hands' });
    const version = updated.resource!.version;
    const state = await settled('port', 'a-port', version);
    expect(state.state.worker_state).toBe('MODIFY_FAILED');
    // The words of a missing reference, naming the parameter that follows the field.
    expect(state.error).toMatch(/parameter "[a-z_]+"/);
    expect(state.error).toContain(`referenced subnet "${S}" not found`);
    expect(JSON.stringify(state)).not.toContain(bStackId);

    // No job was planned for it, and nothing of B's stack reached A's.
    const jobs = await etcd.getAll().prefix('/jobs/all/').keys();
    expect(jobs.filter((k) => k.includes(':port:a-port:'))).toEqual([]);
    const aPortStack = (await etcd.get('/esi-worker/heat_stacks/v2.0/ports/a-port').string()) ?? '';
    expect(aPortStack).not.toContain(bStackId);
    const engine = Object.values(await etcd.getAll().prefix('/esi-heat-engine/').strings()).filter((v) => v.includes('a-port'));
    for (const v of engine) expect(v).not.toContain(bStackId);
  }, 300_000);

  it('shared infrastructure stays reachable: a tenant’s logical port is planned against the provider’s device port', async () => {
    await createResource(admin, 'ese_device', { id: 'dev-1', name: 'qfx', hostname: 'qfx', existing: 'existing', type: 'tor', management_ip_address: '127.0.0.1', username: 'u', password: 'p', tenant_id: 'provider' });
    await createResource(admin, 'ese_physical_port', { id: 'dev-1-xe0', name: 'xe-0/0/0', ese_device_id: 'dev-1', existing: 'existing', tenant_id: 'provider' });
    await createResource(a, 'network', { id: 'a-net-2', name: 'a-net-2' });
    const elp = { id: 'a-elp', name: 'a-elp', network_id: 'a-net-2', connected_resource: 'gw_interface', type: 'L2', vlan_id: 1100, ese_physical_port_id: 'dev-1-xe0', port_ids: [] };
    await createResource(a, 'ese_logical_port', elp);
    const state = await settled('ese_logical_port', 'a-elp', 1);
    expect(state.error).toBe('');
    expect(state.state.worker_state).not.toMatch(/FAILED/);
  }, 300_000);
});
