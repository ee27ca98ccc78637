/**
 * Planner behaviour on a real stack: modify workflows, failures that name their cause,
 * outputs missing at dispatch, supersede by newer versions, deletes that wait for their
 * dependents, and a standby planner taking over when the active one is killed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { configSubject, events } from '@esi/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createResource, getResource, resourceClient, retryResource, updateResource, type ResourceClient } from '@esi/client';
import { startStack, type Stack } from '@esi/local-stack';
import { EtcdRecorder } from '../support/etcd-recorder.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
let client: ResourceClient;
let etcd: Etcd3;
let recorder: EtcdRecorder;

beforeAll(async () => {
  stack = await startStack({ env: { ESI_POLL_INTERVAL_MS: '300', ESI_RESYNC_INTERVAL_MS: '1000' }, deviceSimulator: false });
  client = resourceClient(stack.apiAddr);
  etcd = new Etcd3({ hosts: stack.etcdEndpoints });
  recorder = new EtcdRecorder(etcd);
  await recorder.start('/');
}, 90_000);

afterAll(async () => {
  await recorder?.stop();
  client?.close();
  etcd?.close();
  await stack?.stop();
});

interface State {
  state: Record<string, string>;
  version: number;
  error: string;
}

async function settled(type: string, id: string, version: number, timeoutMs = 20_000): Promise<State> {
  return waitFor(
    `${type} ${id} v${version} settled`,
    async () => {
      const r = (await getResource(client, type, id)).resource!;
      if (!r.stateJson) return undefined;
      const s = JSON.parse(r.stateJson) as State;
      return s.version >= version && /_(COMPLETED|FAILED)$|READ_COMPLETE/.test(s.state.worker_state ?? '') ? s : undefined;
    },
    timeoutMs,
  );
}

function jobsOf(id: string): { id: string; job: Record<string, unknown> }[] {
  return recorder
    .puts((k) => k.startsWith('/jobs/all/') && k.includes(`:${id}:`))
    .map((e) => ({ id: e.key.slice('/jobs/all/'.length), job: (JSON.parse(e.value) as [string, Record<string, unknown>, number])[1] }));
}

describe('workflows', () => {
  it('modify: delete-monitoring (ignore) → modify-heat → create-monitoring, ending CREATE_COMPLETED as in G1', async () => {
    const net = (await createResource(client, 'network', { name: 'wf-net', admin_state_up: true, tenant_id: 't1' })).resource!;
    await settled('network', net.id, 1);
    await updateResource(client, 'network', net.id, { admin_state_up: false });
    const s = await settled('network', net.id, 2);
    expect(s.state.worker_state).toBe('CREATE_COMPLETED');
    const v2 = jobsOf(net.id).filter((j) => j.job.version === 2);
    expect(v2.map((j) => `${j.job.action}:${j.job.handler}:${j.job.on_failure}:${j.job.is_first}:${j.job.is_last}`)).toEqual([
      'delete:monitoring_worker:ignore:true:false',
      'modify:heat_worker:fail:false:false',
      'create:monitoring_worker:fail:false:true',
    ]);
    expect(v2[1]!.job.dependency).toEqual([v2[0]!.id]);
    expect(v2[2]!.job.dependency).toEqual([v2[0]!.id, v2[1]!.id]);
    const stack = JSON.parse((await etcd.get(`/esi-worker/heat_stacks/v2.0/networks/${net.id}`).string())!) as { stack_status: string };
    expect(stack.stack_status).toBe('UPDATE_COMPLETE');
  });

  it('a change that cannot be planned fails that resource with an error naming the template, parameter and path; others are unaffected', async () => {
    // The switch has no management_ip_address: the physical port's monitoring template
    // reads it through the path [ese_device_id].
    const dev = (await createResource(client, 'ese_device', { name: 'no-ip', hostname: 'no-ip', existing: 'existing', tenant_id: 't1' })).resource!;
    const port = (await createResource(client, 'ese_physical_port', { name: 'xe-0/0/1', ese_device_id: dev.id, existing: 'new', tenant_id: 't1' })).resource!;
    const good = (await createResource(client, 'network', { name: 'fine', tenant_id: 't1' })).resource!;
    const s = await settled('ese_physical_port', port.id, 1);
    expect(s.state.worker_state).toBe('CREATE_FAILED');
    expect(s.error).toContain('ese_physical_port_monitoring');
    expect(s.error).toContain('device_ip');
    expect(s.error).toContain('management_ip_address');
    expect(jobsOf(port.id), 'no job was stored for it').toEqual([]);
    expect((await settled('network', good.id, 1)).state.worker_state).toBe('CREATE_COMPLETED');
  });

  it('an output missing at dispatch fails the job with an error naming the resource and the key', async () => {
    const net = (await createResource(client, 'network', { name: 'lp-net', tenant_id: 't1' })).resource!;
    // A DHCP port is non-workable: it has no stack, so it has no outputs.
    const port = (await createResource(client, 'port', { network_id: net.id, device_owner: 'network:dhcp', tenant_id: 't1', fixed_ips: [] })).resource!;
    await settled('port', port.id, 1);
    const dev = (await createResource(client, 'ese_device', { name: 'sw', hostname: 'sw', existing: 'existing', management_ip_address: '127.0.0.1', tenant_id: 't1' })).resource!;
    const pp = (await createResource(client, 'ese_physical_port', { name: 'xe-0/0/9', ese_device_id: dev.id, existing: 'new', tenant_id: 't1' })).resource!;
    await settled('ese_physical_port', pp.id, 1);
    const lp = (
      await createResource(client, 'ese_logical_port', {
        name: 'xe-0/0/9.10', type: 'L2', vlan_id: 10, network_id: net.id, ese_physical_port_id: pp.id, port_ids: [port.id], connected_resource: 'gw_interface', tenant_id: 't1',
      })
    ).resource!;
    const s = await settled('ese_logical_port', lp.id, 1);
    expect(s.state.worker_state).toBe('CREATE_FAILED');
    expect(s.error).toContain(`output id of port ${port.id}`);
  });
});

describe('retry on request', () => {
  it('a failed workflow runs again when asked, once its cause is fixed; a settled one is refused', async () => {
    const dev = (await createResource(client, 'ese_device', { name: 'fix-me', hostname: 'fix-me', existing: 'existing', tenant_id: 't1' })).resource!;
    const port = (await createResource(client, 'ese_physical_port', { name: 'xe-0/0/2', ese_device_id: dev.id, existing: 'new', tenant_id: 't1' })).resource!;
    expect((await settled('ese_physical_port', port.id, 1)).state.worker_state).toBe('CREATE_FAILED');
    await updateResource(client, 'ese_device', dev.id, { management_ip_address: '127.0.0.1' });
    await settled('ese_device', dev.id, 2);
    await retryResource(client, 'ese_physical_port', port.id);
    const s = await waitFor('the retried workflow to finish', async () => {
      const st = await settled('ese_physical_port', port.id, 1);
      return st.state.worker_state === 'CREATE_COMPLETED' ? st : undefined;
    });
    expect(s.version).toBe(1);
    expect(s.error).toBe('');
    const err = await retryResource(client, 'ese_physical_port', port.id).catch((e: { code: number }) => e);
    expect((err as { code: number }).code, 'nothing to retry once it succeeded').toBe(9);
  });
});

describe('versions', () => {
  it('a newer version supersedes unfinished work and state never goes back', async () => {
    const net = (await createResource(client, 'network', { name: 'v1', tenant_id: 't1' })).resource!;
    await updateResource(client, 'network', net.id, { name: 'v2' });
    await updateResource(client, 'network', net.id, { name: 'v3' });
    const s = await settled('network', net.id, 3);
    expect(s.version).toBe(3);
    const versions = recorder.puts((k) => k === `/state/v2.0/networks/${net.id}`).map((e) => (JSON.parse(e.value) as State).version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    // Let late results of older versions arrive: they must not overwrite version 3.
    await new Promise((r) => setTimeout(r, 1000));
    expect((JSON.parse((await getResource(client, 'network', net.id)).resource!.stateJson) as State).version).toBe(3);
  });
});

describe('delete', () => {
  it('a new resource’s change delivered again after it settled is found planned: nothing runs twice, the planner stays up', async () => {
    const net = (await createResource(client, 'network', { name: 'again-net', admin_state_up: true, tenant_id: 't1' })).resource!;
    await settled('network', net.id, 1);
    const record = await etcd.get(`/esi-planner/workflows/networks/${net.id}`).string();
    // The same version 1 event again (a fresh message id, so JetStream keeps it): the
    // planner takes the state and record of a version 1 absent, and must find out.
    const nc = await connect({ servers: stack.natsUrl });
    const js = jetstream(nc);
    await js.publish(configSubject('network', net.id), events.ResourceChanged.encode(events.ResourceChanged.fromPartial({ resourceType: 'network', resourceId: net.id, version: 1, acceptedAtMs: Date.now() })).finish());
    await nc.close();
    // A later change settles after it (changes are planned in order), so the redelivery was handled by then.
    const later = (await createResource(client, 'network', { name: 'after-net', admin_state_up: true, tenant_id: 't1' })).resource!;
    await settled('network', later.id, 1);
    expect(jobsOf(net.id).map((j) => `${j.job.action}:${j.job.handler}`)).toEqual(['create:heat_worker', 'create:monitoring_worker']);
    expect(await etcd.get(`/esi-planner/workflows/networks/${net.id}`).string()).toBe(record);
    expect(stack.services.get('planner')!.process.proc.exitCode).toBeNull();
    // Found out at its commit and planned again from reads, not failed and handed back.
    const plannerLog = readFileSync(join(stack.dataDir, 'logs', 'planner.log'), 'utf8');
    expect(plannerLog).not.toContain('changed under the planner');
  });

  it('waits for dependents, then deletes and the resource is gone everywhere', async () => {
    const net = (await createResource(client, 'network', { name: 'del-net', tenant_id: 't1' })).resource!;
    const sub = (await createResource(client, 'subnet', { name: 'del-sub', network_id: net.id, cidr: '10.9.0.0/24', ip_version: 4, tenant_id: 't1' })).resource!;
    await settled('subnet', sub.id, 1);
    await call(client, client.deleteResource, { resourceType: 'network', id: net.id });
    await new Promise((r) => setTimeout(r, 1500));
    expect(jobsOf(net.id).filter((j) => j.job.action === 'delete'), 'no delete job while the subnet lives').toEqual([]);
    await call(client, client.deleteResource, { resourceType: 'subnet', id: sub.id });
    for (const [plural, id] of [['subnets', sub.id], ['networks', net.id]] as const) {
      await waitFor(`${plural} ${id} removed`, async () => ((await etcd.get(`/config/v2.0/${plural}/${id}`).string()) === null ? true : undefined), 20_000);
      await waitFor(`${plural} ${id} state removed`, async () => ((await etcd.get(`/state/v2.0/${plural}/${id}`).string()) === null ? true : undefined), 10_000);
    }
    const deletes = recorder.puts((k) => k.startsWith(`/state/v2.0/networks/${net.id}`)).map((e) => (JSON.parse(e.value) as State).state.worker_state);
    expect(deletes).toContain('DELETE_COMPLETED');
    const subnetDone = recorder.events.find((e) => e.type === 'delete' && e.key === `/config/v2.0/subnets/${sub.id}`)!;
    const netJobs = recorder.puts((k) => k.startsWith('/jobs/all/delete:') && k.includes(net.id));
    expect(netJobs.length).toBeGreaterThan(0);
    expect(Math.min(...netJobs.map((e) => e.revision)), 'network delete planned after the subnet was removed').toBeGreaterThan(subnetDone.revision);
  });
});

describe('high availability', () => {
  it('a standby planner takes over within seconds when the active one is killed; nothing is planned twice', async () => {
    await stack.startReplica('planner');
    await stack.services.get('planner')!.process.stop('SIGKILL');
    const started = Date.now();
    const net = (await createResource(client, 'network', { name: 'ha-net', tenant_id: 't1' })).resource!;
    const s = await settled('network', net.id, 1, 20_000);
    expect(s.state.worker_state).toBe('CREATE_COMPLETED');
    expect(Date.now() - started).toBeLessThan(15_000);
    const planned = jobsOf(net.id);
    expect(planned.map((j) => `${j.job.action}:${j.job.handler}`)).toEqual(['create:heat_worker', 'create:monitoring_worker']);
  });
});
