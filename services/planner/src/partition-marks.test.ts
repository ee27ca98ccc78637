/**
 * Two planners of different partitions plan a port and the network it reads at the same
 * moment, each from a view of the other's jobs that does not hold them yet. Against a
 * real etcd: whichever commits second fails its marks' check (partition-marks.ts), and
 * planned again from a view that caught up, it waits for the first one's jobs — in either
 * order. Without the marks both commits would be stored, neither waiting for the other.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRelations, loadResourceTypes, loadTemplates } from '@esi/catalog';
import { jobKey, partitionOf, storedJobValue, type ConfigValue, type StoredJob } from '@esi/contracts';
import { planWorkflow, type TemplateBody } from '@esi/planning';
import { OwnedStore, type WriteOp } from '@esi/store';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { marksFor } from './partition-marks.js';
import { Partitions } from './partitions.js';
import { PendingJobs, blankMeta } from './pending-jobs.js';

const types = loadResourceTypes();
const relations = loadRelations();
const templates = new Map((await loadTemplates()).map((t) => [t.id, t.body as unknown as TemplateBody]));

let etcd: RunningServer;
let store: OwnedStore;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-partition-marks-')));
  store = new OwnedStore([etcd.url], 'planner');
});
afterAll(async () => {
  store?.close();
  await etcd?.stop();
});

/** The first id `${prefix}<n>` in partition `k` of two. */
function idIn(prefix: string, k: number): string {
  for (let n = 0; ; n++) if (partitionOf(`${prefix}${n}`, 2) === k) return `${prefix}${n}`;
}

/** A planner holding one partition of two, with its own view of the pending jobs. */
function planner(k: number) {
  const partitions = new Partitions(2);
  partitions.hold(k);
  return { partitions, pending: new PendingJobs((job) => partitions.ownsJob(job)) };
}

type Planner = ReturnType<typeof planner>;

async function planOf(type: string, id: string, body: Record<string, unknown>, bodies: Record<string, Record<string, unknown>>, p: Planner): Promise<StoredJob[]> {
  const result = await planWorkflow({
    type,
    id,
    config: { version: 1, body: JSON.stringify(body), marked_for_deletion: false } as ConfigValue,
    stateVersion: undefined,
    plannedVersion: undefined,
    typeInfo: types[type]!,
    relations,
    lookup: { getBody: async (t, i) => bodies[`${t}:${i}`] },
    getTemplate: async (t) => templates.get(t),
    pending: p.pending,
  });
  if (result.kind !== 'planned') throw new Error(`${type} ${id} not planned: ${result.kind}`);
  return result.jobs;
}

/** Stores the jobs with their marks if the check holds; answers the revision, or undefined. */
async function commit(jobs: StoredJob[], p: Planner, viewRevision: string, withMarks = true): Promise<string | undefined> {
  const marks = withMarks ? marksFor(jobs, p.partitions, viewRevision) : { expects: [], ops: [] };
  const ops: WriteOp[] = jobs.map((j) => ({ put: jobKey(j.id), value: JSON.stringify(storedJobValue(j)) }));
  const revision = await store.txnAt(marks.expects, [...ops, ...marks.ops]);
  if (revision !== undefined) for (const job of jobs) p.pending.set({ job, meta: blankMeta() });
  return revision;
}

async function currentRevision(): Promise<string> {
  return (await store.range({ key: '/esi-planner/none' })).revision;
}

function scenario(run: number) {
  const net = idIn(`pm${run}-net-`, 1);
  const port = idIn(`pm${run}-port-`, 0);
  const bodies: Record<string, Record<string, unknown>> = {
    [`network:${net}`]: { id: net, name: 'n', admin_state_up: false, tenant_id: 't1' },
    [`port:${port}`]: { id: port, name: 'p', network_id: net, device_owner: 'compute:test', device_id: '', admin_state_up: true, tenant_id: 't1', fixed_ips: [], mac_address: 'fa:16:3e:00:00:01', tags: {} },
  };
  return { net, port, bodies, ofNet: planner(1), ofPort: planner(0) };
}

describe('marks across partitions', () => {
  it('the port committed second fails its check, and planned again it waits for the network’s jobs', async () => {
    const { net, port, bodies, ofNet, ofPort } = scenario(1);
    const view = await currentRevision();
    // Both plan from views without the other's jobs.
    const netJobs = await planOf('network', net, bodies[`network:${net}`]!, bodies, ofNet);
    const portJobs = await planOf('port', port, bodies[`port:${port}`]!, bodies, ofPort);
    expect(portJobs.flatMap((j) => j.dependency).some((d) => netJobs.some((n) => n.id === d))).toBe(false);
    const netStored = await commit(netJobs, ofNet, view);
    expect(netStored).toBeDefined();
    expect(await commit(portJobs, ofPort, view), 'the port’s stale plan is refused').toBeUndefined();
    // The port's view catches up (what foreign-jobs.ts applies), and it plans again.
    for (const job of netJobs) ofPort.pending.set({ job, meta: blankMeta() });
    const again = await planOf('port', port, bodies[`port:${port}`]!, bodies, ofPort);
    const heat = netJobs.find((j) => j.handler === 'heat_worker')!;
    expect(again.find((j) => j.handler === 'heat_worker')!.dependency).toContain(heat.id);
    expect(await commit(again, ofPort, netStored!)).toBeDefined();
  });

  it('the network committed second fails its check, and planned again it waits for the port that reads it', async () => {
    const { net, port, bodies, ofNet, ofPort } = scenario(2);
    const view = await currentRevision();
    const portJobs = await planOf('port', port, bodies[`port:${port}`]!, bodies, ofPort);
    const netJobs = await planOf('network', net, bodies[`network:${net}`]!, bodies, ofNet);
    const portStored = await commit(portJobs, ofPort, view);
    expect(portStored).toBeDefined();
    expect(await commit(netJobs, ofNet, view), 'the network’s stale plan is refused').toBeUndefined();
    for (const job of portJobs) ofNet.pending.set({ job, meta: blankMeta() });
    const again = await planOf('network', net, bodies[`network:${net}`]!, bodies, ofNet);
    const reading = portJobs.filter((j) => j.params.some((p) => p.resources.some((r) => r.resource_id === net)));
    expect(reading.length).toBeGreaterThan(0);
    expect(again[0]!.dependency, 'the reverse rule: it waits for the jobs reading it').toEqual(expect.arrayContaining(reading.map((j) => j.id)));
    expect(await commit(again, ofNet, portStored!)).toBeDefined();
  });

  it('without the marks both stale plans are stored, neither waiting for the other', async () => {
    const { net, port, bodies, ofNet, ofPort } = scenario(3);
    const view = await currentRevision();
    const netJobs = await planOf('network', net, bodies[`network:${net}`]!, bodies, ofNet);
    const portJobs = await planOf('port', port, bodies[`port:${port}`]!, bodies, ofPort);
    expect(await commit(netJobs, ofNet, view, false)).toBeDefined();
    expect(await commit(portJobs, ofPort, view, false)).toBeDefined();
    expect(portJobs.flatMap((j) => j.dependency).some((d) => netJobs.some((n) => n.id === d))).toBe(false);
  });

  it('a plan of partitions this planner holds is not checked (those plans claim in memory)', () => {
    const both = new Partitions(2);
    both.hold(0);
    both.hold(1);
    const job = { id: 'j', resource_type: 'port', resource_id: 'x', params: [{ resources: [{ resource_type: 'network', resource_id: 'y' }] }] } as unknown as StoredJob;
    const marks = marksFor([job], both, '5');
    expect(marks.expects).toEqual([]);
    expect(marks.ops.map((o) => ('put' in o ? o.put : ''))).toEqual(['/esi-planner/marks/port/x/own', `/esi-planner/marks/network/y/readers/p${partitionOf('x', 2)}/port/x`]);
  });

  it('two readers of one resource in one partition write different keys, and check only what the other partition wrote', () => {
    const one = new Partitions(2);
    one.hold(0);
    const reader = (id: string) => ({ id: `j-${id}`, resource_type: 'ese_logical_port', resource_id: id, params: [{ resources: [{ resource_type: 'ese_device', resource_id: 'd1' }] }] }) as unknown as StoredJob;
    const [a, b] = [idIn('lp-a', 0), idIn('lp-b', 0)].map((id) => marksFor([reader(id)], one, '7'));
    const keys = (m: typeof a) => m!.ops.map((o) => ('put' in o ? o.put : ''));
    expect(keys(a).filter((k) => keys(b).includes(k))).toEqual([]);
    // The device's own jobs are checked only when another partition plans it.
    const deviceChecked = partitionOf('d1', 2) !== 0;
    expect(a!.expects.some((e) => 'key' in e && e.key === '/esi-planner/marks/ese_device/d1/own')).toBe(deviceChecked);
  });
});
