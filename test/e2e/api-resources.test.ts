/**
 * The resource API on a real stack: optimistic concurrency, paged lists, schema-driven
 * validation with references, the two-step delete down to the key's removal, watch
 * resumed from a revision without a gap, the dry run (nothing written), Explain's
 * answer for a waiting job, history from the streams, and the template catalog.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, configSubject, events, monitoringKey } from '@esi/contracts';
import { createResource, deleteResource, explainResource, getResource, getTemplate, listResources, listTemplates, planChange, putTemplate, resourceClient, resourceHistory, updateResource, watchResources, type ResourceClient, type WatchHandle } from '@esi/client';
import { startStack, type Stack } from '@esi/local-stack';
import { waitFor } from '../support/wait.js';
import { rejection } from '../support/rejection.js';

let stack: Stack;
let client: ResourceClient;
let etcd: Etcd3;
let nc: NatsConnection;

beforeAll(async () => {
  stack = await startStack({ env: { ESI_POLL_INTERVAL_MS: '300' } });
  client = resourceClient(stack.apiAddr);
  etcd = new Etcd3({ hosts: stack.etcdEndpoints });
  nc = await connect({ servers: stack.natsUrl });
}, 90_000);

afterAll(async () => {
  client?.close();
  etcd?.close();
  await nc?.close();
  await stack?.stop();
});

type State = { state: { worker_state: string }; version: number; error: string };

const stateOf = async (type: string, id: string): Promise<State | undefined> => {
  const r = (await getResource(client, type, id)).resource!;
  return r.stateJson ? (JSON.parse(r.stateJson) as State) : undefined;
};

const settledAt = (type: string, id: string, version: number): Promise<State> =>
  waitFor(`${type} ${id} at version ${version}`, async () => {
    const s = await stateOf(type, id);
    return s && s.version >= version ? s : undefined;
  }, 30_000);

const subnetBody = (id: string, networkId: string): Record<string, unknown> => ({
  id,
  name: id,
  network_id: networkId,
  cidr: '172.16.10.0/24',
  ip_version: 4,
  gateway_ip: '172.16.10.1',
  enable_dhcp: true,
  dhcp_server_address: '172.16.10.2',
  allocation_pools: [{ start: '172.16.10.2', end: '172.16.10.254' }],
  dns_nameservers: [],
  ntp_servers: [],
  host_routes: [],
  tenant_id: 'tenant-e2e',
});

/** Every key and value under the given prefixes. */
async function snapshot(prefixes = ['/config/']): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const prefix of prefixes) Object.assign(out, await etcd.getAll().prefix(prefix).strings());
  return out;
}

/** Waits until no job is pending, so the pipeline's own slices hold still. */
const idle = (): Promise<true> => waitFor('an idle pipeline', async () => ((await etcd.getAll().prefix('/jobs/all/').keys()).length === 0 ? true : undefined), 30_000);

describe('create, update, get, list', () => {
  it('updates only at the expected version', async () => {
    const created = (await createResource(client, 'network', { id: 'occ-net', name: 'a', tenant_id: 'tenant-e2e' })).resource!;
    expect(created.version).toBe(1);
    expect(JSON.parse(created.bodyJson).status).toBe('PENDING_CREATE');
    const v2 = (await updateResource(client, 'network', 'occ-net', { name: 'b' }, 1)).resource!;
    expect(v2.version).toBe(2);
    const stale = await rejection(updateResource(client, 'network', 'occ-net', { name: 'c' }, 1));
    expect(stale.code).toBe(status.FAILED_PRECONDITION);
    expect(stale.details).toContain('version 2, not 1');
    expect(JSON.parse((await getResource(client, 'network', 'occ-net')).resource!.bodyJson).name).toBe('b');
    const idChange = await rejection(updateResource(client, 'network', 'occ-net', { id: 'other' }));
    expect([idChange.code, idChange.metadata.get('esi-field')[0]]).toEqual([status.INVALID_ARGUMENT, 'body_json.id']);
  });

  it("a create's answer carries no state and no monitoring, even with a deleted namesake's leftover there", async () => {
    // Left by an earlier network of the same id (its state already cleared). The
    // monitoring-worker may clear it soon after; it is there when the create is asked.
    const leftover = monitoringKey('networks', 'leftover-net');
    await etcd.put(leftover).value(JSON.stringify({ status: 'UP', from: 'a deleted namesake' }));
    expect(await etcd.get(leftover).string()).not.toBeNull();
    const created = (await createResource(client, 'network', { id: 'leftover-net', name: 'n', tenant_id: 'tenant-e2e' })).resource!;
    expect([created.stateJson, created.monitoringJson]).toEqual(['', '']);
  });

  it('lists by type and tenant, a page at a time', async () => {
    for (let i = 0; i < 5; i++) await createResource(client, 'network', { id: `page-${i}`, name: `p${i}`, tenant_id: 'page-tenant' });
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await listResources(client, 'network', { tenantId: 'page-tenant', pageSize: 2, pageToken: token });
      expect(page.resources.length).toBeLessThanOrEqual(2);
      seen.push(...page.resources.map((r) => r.id));
      token = page.nextPageToken;
      pages++;
    } while (token);
    expect(seen).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    expect(pages).toBe(3);
    const all = await listResources(client, 'network', {});
    expect(all.resources.map((r) => r.id)).toEqual(expect.arrayContaining(['occ-net', 'page-0']));
    const bad = await rejection(listResources(client, 'network', { pageToken: '!!' }));
    expect([bad.code, bad.metadata.get('esi-field')[0]]).toEqual([status.INVALID_ARGUMENT, 'page_token']);
  });
});

describe('validation from the schemas', () => {
  it('names the field for types, enums, formats and references, and writes nothing', async () => {
    const before = await snapshot();
    const lp = { network_id: 'occ-net', connected_resource: 'gw_interface', type: 'L2', vlan_id: 10, ese_physical_port_id: 'none' };
    const cases: [string, unknown, string][] = [
      ['ese_logical_port', { ...lp, vlan_id: 'ten' }, 'body_json.vlan_id'],
      ['ese_logical_port', { ...lp, type: 'L9' }, 'body_json.type'],
      ['ese_logical_port', lp, 'body_json.ese_physical_port_id'],
      ['subnet', subnetBody('bad-sub', 'no-such-network'), 'body_json.network_id'],
      ['subnet', { ...subnetBody('bad-sub', 'occ-net'), cidr: '172.16.10.0/99' }, 'body_json.cidr'],
      ['heat_template', { id: 'x' }, 'resource_type'],
    ];
    for (const [type, body, field] of cases) {
      const err = await rejection(createResource(client, type, body));
      expect([err.code, err.metadata.get('esi-field')[0]], err.details).toEqual([status.INVALID_ARGUMENT, field]);
    }
    expect((await rejection(createResource(client, 'subnet', subnetBody('bad-sub', 'no-such-network')))).details).toContain('network "no-such-network", which does not exist');
    expect(await snapshot()).toEqual(before);
  });
});

describe('watch', () => {
  it('resumes from a revision without missing or repeating an event', async () => {
    const key = (e: api.WatchResourcesResponse): string => `${e.revision}:${e.kind}:${e.id}:${e.deleted}`;
    const ours = (e: api.WatchResourcesResponse): boolean => e.id.startsWith('watch-');
    const reference: api.WatchResourcesResponse[] = [];
    const first: api.WatchResourcesResponse[] = [];
    const second: api.WatchResourcesResponse[] = [];
    const ref = watchResources(client, { resourceType: 'network' }, (e) => reference.push(e));
    const w1 = watchResources(client, { resourceType: 'network' }, (e) => first.push(e));
    let w2: WatchHandle | undefined;
    try {
      await Promise.all([ref.ready, w1.ready]);
      await createResource(client, 'network', { id: 'watch-a', name: 'a', tenant_id: 'tenant-e2e' });
      await waitFor('watch-a state seen', async () => first.find((e) => e.id === 'watch-a' && e.kind === api.WatchEventKind.WATCH_EVENT_KIND_STATE));
      w1.cancel();
      const last = Math.max(...first.map((e) => e.revision));
      // While nobody listens on w1: a new version and a new resource.
      await updateResource(client, 'network', 'watch-a', { name: 'a2' });
      await createResource(client, 'network', { id: 'watch-b', name: 'b', tenant_id: 'tenant-e2e' });
      await settledAt('network', 'watch-a', 2);
      await settledAt('network', 'watch-b', 1);
      await waitFor('monitoring of watch-b', async () => reference.find((e) => e.id === 'watch-b' && e.kind === api.WatchEventKind.WATCH_EVENT_KIND_MONITORING), 15_000);
      w2 = watchResources(client, { resourceType: 'network', fromRevision: last + 1 }, (e) => second.push(e));
      const want = (): string[] => reference.filter(ours).map(key);
      await waitFor('the resumed watch caught up', async () => (first.filter(ours).length + second.filter(ours).length >= reference.filter(ours).length ? true : undefined), 10_000);
      expect([...first.filter(ours), ...second.filter(ours)].map(key)).toEqual(want());
      expect(second.every((e) => e.revision > last)).toBe(true);
      const kinds = new Set(reference.filter((e) => e.id === 'watch-b').map((e) => e.kind));
      expect(kinds).toEqual(new Set([api.WatchEventKind.WATCH_EVENT_KIND_CONFIG, api.WatchEventKind.WATCH_EVENT_KIND_STATE, api.WatchEventKind.WATCH_EVENT_KIND_MONITORING]));
    } finally {
      ref.cancel();
      w1.cancel();
      w2?.cancel();
    }
  });

  it('starts with the current values of one resource on request, and only that resource', async () => {
    const got: api.WatchResourcesResponse[] = [];
    const w = watchResources(client, { resourceType: 'network', id: 'watch-a', includeCurrent: true }, (e) => got.push(e));
    try {
      await waitFor('snapshot', async () => (got.some((e) => e.kind === api.WatchEventKind.WATCH_EVENT_KIND_STATE) ? true : undefined));
      const snap = got.filter((e) => e.snapshot);
      expect(snap.map((e) => e.kind)).toEqual(expect.arrayContaining([api.WatchEventKind.WATCH_EVENT_KIND_CONFIG, api.WatchEventKind.WATCH_EVENT_KIND_STATE]));
      expect(new Set(snap.map((e) => e.revision)).size).toBe(1);
      await updateResource(client, 'network', 'watch-b', { name: 'b2' });
      await updateResource(client, 'network', 'watch-a', { name: 'a3' });
      await waitFor('the change of watch-a', async () => got.find((e) => !e.snapshot && e.kind === api.WatchEventKind.WATCH_EVENT_KIND_CONFIG));
      expect(got.every((e) => e.id === 'watch-a')).toBe(true);
    } finally {
      w.cancel();
    }
  });

  it('refuses a bad request with INVALID_ARGUMENT', async () => {
    const w = watchResources(client, { resourceType: 'network', fromRevision: -1 }, () => undefined);
    const err = await rejection(w.done);
    expect([err.code, err.metadata.get('esi-field')[0]]).toEqual([status.INVALID_ARGUMENT, 'from_revision']);
  });
});

describe('plan (dry run)', () => {
  it('previews create, update and delete with resolved params, and writes nothing', async () => {
    await createResource(client, 'network', { id: 'plan-net', name: 'plan', tenant_id: 'tenant-e2e' });
    await settledAt('network', 'plan-net', 1);
    await idle();
    const slices = ['/config/', '/jobs/', '/esi-planner/'];
    const before = await snapshot(slices);

    const create = await planChange(client, { template: undefined, resource: { resourceType: 'subnet', id: 'plan-sub', bodyJson: JSON.stringify(subnetBody('plan-sub', 'plan-net')), delete: false, update: false } });
    expect([create.outcome, create.action, create.version, create.id]).toEqual(['planned', 'create', 1, 'plan-sub']);
    expect(create.jobs.map((j) => j.id)).toEqual(['create:heat_worker:subnet:plan-sub:1:dryrn']);
    const net = create.jobs[0]!.params.find((p) => p.param === 'network_id')!;
    expect(net.type).toBe('output_key');
    expect(net.resources).toEqual([{ resourceType: 'network', id: 'plan-net' }]);
    expect(net.resolutionError).toBe('');
    expect(JSON.parse(net.resolvedJson)).toBeTruthy();
    expect(JSON.parse(create.jobs[0]!.params.find((p) => p.param === 'cidr')!.resolvedJson)).toBe('172.16.10.0/24');

    const update = await planChange(client, { template: undefined, resource: { resourceType: 'network', id: 'plan-net', bodyJson: '{"name":"renamed"}', delete: false, update: true } });
    expect([update.outcome, update.action, update.version]).toEqual(['planned', 'modify', 2]);
    expect(update.jobs.map((j) => `${j.action}:${j.handler}`)).toEqual(['delete:monitoring_worker', 'modify:heat_worker', 'create:monitoring_worker']);
    expect(update.jobs[2]!.dependency).toEqual([update.jobs[0]!.id, update.jobs[1]!.id]);

    const del = await planChange(client, { template: undefined, resource: { resourceType: 'network', id: 'plan-net', bodyJson: '', delete: true, update: false } });
    expect([del.outcome, del.action]).toEqual(['planned', 'delete']);
    expect(del.jobs.map((j) => `${j.action}:${j.handler}:${j.onFailure}`)).toEqual(['delete:monitoring_worker:ignore', 'delete:heat_worker:fail']);

    const invalid = await rejection(planChange(client, { template: undefined, resource: { resourceType: 'subnet', id: '', bodyJson: '{"cidr": 5}', delete: false, update: false } }));
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);

    const tpl = await planChange(client, { resource: undefined, template: { templateId: 'network', bodyJson: '', sampleInputJson: '' } });
    expect(tpl.outcome).toBe('template');
    expect(tpl.affected).toEqual(expect.arrayContaining([{ resourceType: 'network', id: 'plan-net', version: 1, handler: 'heat_worker' }]));
    const stored = JSON.parse((await getTemplate(client, 'network')).template!.bodyJson) as Record<string, unknown>;
    const broken = await planChange(client, { resource: undefined, template: { templateId: '', bodyJson: JSON.stringify({ ...stored, parameter_mappings: { name: 'Xbad' } }), sampleInputJson: '' } });
    expect(broken.problems[0]).toContain('body_json.parameter_mappings.name');

    expect(await snapshot(slices)).toEqual(before);
  });
});

describe('explain, and the two-step delete', () => {
  it('answers why a job waits, with its chain, states and trace ids', async () => {
    await createResource(client, 'network', { id: 'del-net', name: 'del', tenant_id: 'tenant-e2e' });
    await settledAt('network', 'del-net', 1);
    // No heat-worker: heat jobs are dispatched but nobody runs them.
    await stack.services.get('heat-worker')!.process.stop('SIGTERM');
    try {
      await createResource(client, 'network', { id: 'wait-net', name: 'w', tenant_id: 'tenant-e2e' });
      await createResource(client, 'subnet', subnetBody('wait-sub', 'wait-net'));
      const e = await waitFor('the subnet waits', async () => {
        const x = await explainResource(client, 'subnet', 'wait-sub');
        return x.jobs[0]?.status === api.JobStatus.JOB_STATUS_WAITING && x.jobs[0].waitsFor[0]?.status === api.JobStatus.JOB_STATUS_DISPATCHED ? x : undefined;
      });
      const job = e.jobs[0]!;
      expect(job.id).toMatch(/^create:heat_worker:subnet:wait-sub:1:[0-9a-z]{5}$/);
      expect(job.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(job.waitsFor).toHaveLength(1);
      const link = job.waitsFor[0]!;
      expect(link).toMatchObject({ depth: 1, waitingJobId: job.id, resourceType: 'network', resourceId: 'wait-net', resourceConfigVersion: 1, resourceWorkerState: '', handler: 'heat_worker' });
      expect(link.jobId).toMatch(/^create:heat_worker:network:wait-net:1:/);
      expect(link.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(e.summary).toContain(`${job.id} is waiting for ${link.jobId} (network wait-net: no state yet)`);
      expect(e.summary).toContain('dispatched');

      // A deletion that cannot finish yet: the key stays, marked.
      const marked = (await deleteResource(client, 'network', 'del-net')).resource!;
      expect([marked.markedForDeletion, marked.version]).toEqual([true, 2]);
      expect(JSON.parse(marked.bodyJson).status).toBe('PENDING_DELETE');
      expect((await deleteResource(client, 'network', 'del-net')).resource!.version).toBe(2);
      expect((await rejection(updateResource(client, 'network', 'del-net', { name: 'x' }))).code).toBe(status.FAILED_PRECONDITION);
      const ref = await rejection(createResource(client, 'subnet', subnetBody('late-sub', 'del-net')));
      expect([ref.code, ref.details]).toEqual([status.INVALID_ARGUMENT, 'body_json.network_id: names network del-net, which is being deleted']);
      const deleting = await waitFor('the delete heat job dispatched', async () => {
        const x = await explainResource(client, 'network', 'del-net');
        return x.jobs.some((j) => j.id.startsWith('delete:heat_worker:') && j.status === api.JobStatus.JOB_STATUS_DISPATCHED) ? x : undefined;
      });
      expect(deleting.plannedAction).toBe('delete');
    } finally {
      await stack.restart('heat-worker');
    }
    const done = await settledAt('subnet', 'wait-sub', 1);
    expect(done.state.worker_state).toBe('CREATE_COMPLETED');
    expect((await explainResource(client, 'subnet', 'wait-sub')).summary).toBe('subnet wait-sub is settled: CREATE_COMPLETED at version 1');
  });

  it('removes the config key once DELETE_COMPLETED, and announces the removal once', async () => {
    await waitFor('del-net removed', async () => {
      const err = await getResource(client, 'network', 'del-net').then(() => undefined, (e: ServiceError) => e);
      return err?.code === status.NOT_FOUND ? true : undefined;
    }, 30_000);
    expect(await etcd.get('/config/v2.0/networks/del-net').string()).toBeNull();
    const jsm = await jetstreamManager(nc);
    const last = await jsm.streams.getMessage('ESI_CONFIG', { last_by_subj: 'esi.config.network.del-net.removed' });
    expect(last?.header.get('Nats-Msg-Id')).toBe('removed:network:del-net:2');
    const h = await resourceHistory(client, 'network', 'del-net');
    const config = h.events.filter((e) => e.kind === 'config').map((e) => JSON.parse(e.eventJson) as Record<string, unknown>);
    expect(config.map((c) => [c.version, Boolean(c.markedForDeletion), Boolean(c.removed)])).toEqual([
      [1, false, false],
      [2, true, false],
      [2, true, true],
    ]);
    const states = h.events.filter((e) => e.kind === 'state').map((e) => (JSON.parse(e.eventJson) as { workerState: string }).workerState);
    expect(states).toEqual(['CREATE_COMPLETED', 'DELETE_COMPLETED']);
    expect(h.events.some((e) => e.kind === 'job_result')).toBe(true);
    const times = h.events.map((e) => e.timeMs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    // The id comes back only once the old /state is cleared by its owner; until then a
    // new version 1 under it would never be planned, so the api refuses it.
    const again = await createResource(client, 'network', { id: 'del-net', name: 'again', tenant_id: 'tenant-e2e' }).then(
      () => undefined,
      (e: ServiceError) => e,
    );
    if (again) expect([again.code, again.details]).toEqual([status.FAILED_PRECONDITION, expect.stringContaining('not cleared yet')]);
    else expect(await etcd.get('/state/v2.0/networks/del-net').string()).toBeNull();
  });
});

describe('template catalog', () => {
  it('stores a valid template, refuses broken ones naming the field, and lists them', async () => {
    const network = JSON.parse((await getTemplate(client, 'network')).template!.bodyJson) as Record<string, unknown>;
    const copy: Record<string, unknown> = { ...network, id: 'network_e2e_copy' };
    const put = await putTemplate(client, copy);
    expect([put.changed, put.template!.version, put.template!.handler]).toEqual([true, 1, 'heat_worker']);
    expect((await putTemplate(client, copy)).changed).toBe(false);
    const v2 = await putTemplate(client, { ...copy, parameter_mappings: { ...(copy.parameter_mappings as object), name: 'Cfixed-name' } }, undefined, 1);
    expect([v2.changed, v2.template!.version]).toEqual([true, 2]);
    expect((await rejection(putTemplate(client, copy, undefined, 1))).code).toBe(status.FAILED_PRECONDITION);
    expect((await listTemplates(client, 'heat_worker')).templates.map((t) => t.id)).toContain('network_e2e_copy');
    expect((await listTemplates(client, 'monitoring_worker')).templates.every((t) => t.handler === 'monitoring_worker')).toBe(true);

    const before = await snapshot();
    const broken: [Record<string, unknown>, string][] = [
      [{ ...copy, id: 'broken_1', parameter_mappings: { name: 'Qname' } }, 'body_json.parameter_mappings.name'],
      [{ ...copy, id: 'broken_2', template_file: '{% if %}' }, 'body_json.template_file'],
      [{ ...copy, id: 'broken_3', template_file: 'heat_template_version: 2013-05-23\nresources:\n  r: [1, 2\n' }, 'body_json.template_file'],
      [{ ...copy, id: 'broken_4', handler: 'somebody' }, 'body_json.handler'],
    ];
    for (const [body, field] of broken) {
      const err = await rejection(putTemplate(client, body));
      expect([err.code, err.metadata.get('esi-field')[0]], err.details).toEqual([status.INVALID_ARGUMENT, field]);
    }
    expect(await snapshot()).toEqual(before);
    expect((await rejection(getTemplate(client, 'broken_1'))).code).toBe(status.NOT_FOUND);
  });
});

/** Requests the api made to etcd on one key family so far, from its /metrics. */
const apiRequestsOn = (family: string): Promise<number> => requestsOn('api', family);

/** Requests a service made to etcd on one key family so far, from its /metrics. */
async function requestsOn(service: Parameters<Stack['services']['get']>[0], family: string): Promise<number> {
  const url = stack.services.get(service)?.metricsUrl;
  if (!url) throw new Error(`the ${service} serves no metrics`);
  const text = await (await fetch(url)).text();
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('esi_etcd_requests_total{') && line.includes(`family="${family}"`)) n += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return n;
}

describe('reference checks on the configs the api keeps', () => {
  it('reads a referenced config once, and a copy gone stale behind its back never decides', async () => {
    await createResource(client, 'network', { id: 'kept-net', name: 'kept' });
    await createResource(client, 'subnet', subnetBody('kept-sub1', 'kept-net'));
    const reads = await apiRequestsOn('/config/v2.0/networks');
    await createResource(client, 'subnet', subnetBody('kept-sub2', 'kept-net'));
    expect(await apiRequestsOn('/config/v2.0/networks')).toBe(reads);
    await settledAt('subnet', 'kept-sub1', 1);
    await settledAt('subnet', 'kept-sub2', 1);

    // Another writer (a second api replica, say) marks the network for deletion; this
    // api's copy still shows it live. The create's transaction finds the network moved,
    // and the change is judged again from a fresh read.
    const key = '/config/v2.0/networks/kept-net';
    const stored = (await etcd.get(key).string())!;
    const value = JSON.parse(stored) as { version: number };
    await etcd.put(key).value(JSON.stringify({ ...value, marked_for_deletion: true, version: value.version + 1 }));
    const before = await snapshot();
    const marked = await rejection(createResource(client, 'subnet', subnetBody('kept-sub3', 'kept-net')));
    expect([marked.code, marked.details]).toEqual([status.INVALID_ARGUMENT, 'body_json.network_id: names network kept-net, which is being deleted']);
    expect(await snapshot()).toEqual(before);

    // Put back as it was: the copy the api now holds (marked) is stale the other way, and
    // a refusal is never given on a copy alone.
    await etcd.put(key).value(stored);
    expect((await createResource(client, 'subnet', subnetBody('kept-sub4', 'kept-net'))).resource!.version).toBe(1);
    await settledAt('subnet', 'kept-sub4', 1);
  });
});

describe('planning with the configs and templates the planner keeps', () => {
  it("a new resource is planned from the config its change event carries, without reading it back", async () => {
    await createResource(client, 'network', { id: 'told-warm', name: 'told-warm' });
    await settledAt('network', 'told-warm', 1);
    const reads = await requestsOn('planner', '/config/v2.0/networks');
    await createResource(client, 'network', { id: 'told-net', name: 'told-net' });
    await settledAt('network', 'told-net', 1);
    expect(await requestsOn('planner', '/config/v2.0/networks')).toBe(reads);
  });

  it('a carried config overtaken by a newer version before planning is not planned: the newer one is, from a read', async () => {
    // Written behind the api's back, so that no event of the api's announces version 2.
    const key = '/config/v2.0/networks/told-stale';
    const v1 = JSON.stringify({ version: 1, body: JSON.stringify({ id: 'told-stale', name: 'v1', tenant_id: '' }), marked_for_deletion: false });
    const r1 = String((await etcd.put(key).value(v1).exec()).header.revision);
    await etcd.put(key).value(JSON.stringify({ version: 2, body: JSON.stringify({ id: 'told-stale', name: 'v2', tenant_id: '' }), marked_for_deletion: false }));
    const js = jetstream(nc);
    await js.publish(
      configSubject('network', 'told-stale'),
      events.ResourceChanged.encode({ resourceType: 'network', resourceId: 'told-stale', version: 1, markedForDeletion: false, acceptedAtMs: Date.now(), removed: false, retry: false, configJson: v1, configRevision: r1 }).finish(),
    );
    // Planned from the carried copy, the commit would have stored version 1 and the
    // newer version would wait for the resync (30 s): it settles at 2 well before.
    const settled = await waitFor('told-stale at version 2', async () => {
      const s = await stateOf('network', 'told-stale');
      return s && s.version >= 2 ? s : undefined;
    }, 10_000);
    expect([settled.version, settled.state.worker_state]).toEqual([2, 'CREATE_COMPLETED']);
    const record = JSON.parse((await etcd.get('/esi-planner/workflows/networks/told-stale').string())!) as { version: number };
    expect(record.version).toBe(2);
  });

  it('a change accepted after its template changed is planned with the new template, not a kept copy', async () => {
    const dispatched: events.JobDispatched[] = [];
    const sub = nc.subscribe('esi.work.heat_worker', {
      callback: (err, msg) => {
        if (!err) dispatched.push(events.JobDispatched.decode(msg.data));
      },
    });
    const templateKeyOf = '/config/v2.0/heat_templates/network';
    const original = JSON.parse((await getTemplate(client, 'network')).template!.bodyJson) as Record<string, unknown>;
    try {
      // The planner plans a network with the catalog's template, and keeps its copy.
      await createResource(client, 'network', { id: 'kept-tpl-1', name: 'kept-tpl-1' });
      await settledAt('network', 'kept-tpl-1', 1);
      const first = (await etcd.get(templateKeyOf).exec()).kvs[0]!.mod_revision;
      // The template changes through the api; nothing tells the planner.
      const version = (await getTemplate(client, 'network')).template!.version;
      await putTemplate(client, { ...original, parameter_mappings: { ...(original.parameter_mappings as object), name: 'Ckept-tpl-fixed' } }, undefined, version);
      const changed = (await etcd.get(templateKeyOf).exec()).kvs[0]!.mod_revision;
      expect(changed).not.toBe(first);

      await createResource(client, 'network', { id: 'kept-tpl-2', name: 'kept-tpl-2' });
      await settledAt('network', 'kept-tpl-2', 1);
      const work = await waitFor('the heat job of kept-tpl-2 sent', async () => dispatched.find((d) => d.job?.resourceId === 'kept-tpl-2'));
      expect(work.templateRevision).toBe(changed);
      expect(JSON.stringify(work.job?.params)).toContain('kept-tpl-fixed');
      expect(dispatched.find((d) => d.job?.resourceId === 'kept-tpl-1')?.templateRevision).toBe(first);
    } finally {
      sub.unsubscribe();
      const version = (await getTemplate(client, 'network')).template!.version;
      await putTemplate(client, original, undefined, version);
    }
  });
});
