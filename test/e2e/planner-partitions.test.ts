/**
 * Two active planners share the work by partition (ESI_PLANNER_PARTITIONS=2, each
 * preferring one): every resource is planned by the planner of its partition, a subnet
 * still waits for its network's jobs when the two lie in different partitions (planned
 * by different processes at the same moment), and when one planner is killed the other
 * takes its partition over: every resource settles, none is planned twice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionOf } from '@esi/contracts';
import { call, createResource, getResource, resourceClient, type ResourceClient } from '@esi/client';
import { startStack, type ServiceProcess, type Stack } from '@esi/local-stack';
import { EtcdRecorder } from '../support/etcd-recorder.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
let second: ServiceProcess;
let client: ResourceClient;
let etcd: Etcd3;
let recorder: EtcdRecorder;

beforeAll(async () => {
  stack = await startStack({
    env: { ESI_PLANNER_PARTITIONS: '2', ESI_PLANNER_LEASE_TTL_S: '2', ESI_RESYNC_INTERVAL_MS: '1000', ESI_POLL_INTERVAL_MS: '300' },
    serviceEnv: { planner: { ESI_PLANNER_PREFERRED: '0' } },
    deviceSimulator: false,
  });
  client = resourceClient(stack.apiAddr);
  etcd = new Etcd3({ hosts: stack.etcdEndpoints });
  recorder = new EtcdRecorder(etcd);
  await recorder.start('/');
  second = await stack.startReplica('planner', { ESI_PLANNER_PREFERRED: '1' });
  await waitFor('each planner holds its partition', async () => (held('planner').includes(0) && held('planner-1').includes(1) ? true : undefined), 30_000);
}, 90_000);

afterAll(async () => {
  await recorder?.stop();
  client?.close();
  etcd?.close();
  await stack?.stop();
});

/** The partitions a planner's log says it started planning. */
function held(logName: string): number[] {
  const lines = readLog(logName).filter((l) => l.includes('"partition planning started"'));
  return lines.flatMap((l) => (JSON.parse(l) as { partition: number }).partition);
}

function readLog(logName: string): string[] {
  try {
    return readFileSync(join(stack.dataDir, 'logs', `${logName}.log`), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Waits up to 10 s for the logs to say what `check` looks for; on a timeout it returns
 * anyway, so the assertions after it say what the logs lack.
 */
async function logsCatchUp(what: string, check: () => boolean): Promise<void> {
  await waitFor(what, async () => (check() ? true : undefined), 10_000, 100).catch(() => undefined);
}

/** Resources (type:id) a planner's log says it planned. */
function plannedBy(logName: string): Set<string> {
  return new Set(readLog(logName).filter((l) => l.includes('"workflow planned"')).map((l) => (JSON.parse(l) as { resource: string }).resource));
}

/** Ids `${prefix}-<n>` in the given partition of two. */
function idsIn(prefix: string, partition: number, count: number): string[] {
  const out: string[] = [];
  for (let n = 0; out.length < count; n++) if (partitionOf(`${prefix}-${n}`, 2) === partition) out.push(`${prefix}-${n}`);
  return out;
}

const configKeyOf = (type: 'network' | 'subnet', id: string): string => `/config/v2.0/${type}s/${id}`;

interface Pair {
  net: string;
  sub: string;
}

/** Networks in one partition and their subnets in the other, each pair submitted at once. */
function pairs(prefix: string, count: number): Pair[] {
  const nets = [...idsIn(`${prefix}-net`, 0, count / 2), ...idsIn(`${prefix}-net`, 1, count / 2)];
  return nets.map((net, i) => ({ net, sub: idsIn(`${prefix}-sub${i}`, 1 - partitionOf(net, 2), 1)[0]! }));
}

async function submit(list: Pair[]): Promise<void> {
  await Promise.all(
    list.map(async ({ net, sub }, i) => {
      await createResource(client, 'network', { id: net, name: net, tenant_id: 't1' });
      await createResource(client, 'subnet', { id: sub, name: sub, network_id: net, cidr: `10.${40 + i}.0.0/24`, ip_version: 4, tenant_id: 't1' });
    }),
  );
}

async function settled(type: string, id: string, timeoutMs: number): Promise<string> {
  return waitFor(
    `${type} ${id} settled`,
    async () => {
      const r = (await getResource(client, type, id)).resource!;
      const s = r.stateJson ? (JSON.parse(r.stateJson) as { state: { worker_state?: string } }) : undefined;
      return /_(COMPLETED|FAILED)$/.test(s?.state.worker_state ?? '') ? s!.state.worker_state : undefined;
    },
    timeoutMs,
  );
}

interface StoredJobPut {
  id: string;
  revision: number;
  job: { action: string; handler: string; dependency: string[] };
}

function jobsOf(id: string): StoredJobPut[] {
  return recorder
    .puts((k) => k.startsWith('/jobs/all/') && k.includes(`:${id}:`))
    .map((e) => ({ id: e.key.slice('/jobs/all/'.length), revision: e.revision, job: (JSON.parse(e.value) as [string, StoredJobPut['job'], number])[1] }));
}

function deletedAt(jobId: string): number | undefined {
  return recorder.events.find((e) => e.type === 'delete' && e.key === `/jobs/all/${jobId}`)?.revision;
}

/** The jobs one create plans (the catalog's templates): a network is also monitored, a subnet not. */
const CREATE_JOBS: Record<string, string[]> = { network: ['create:heat_worker', 'create:monitoring_worker'], subnet: ['create:heat_worker'] };

/** Each resource planned once: its create's jobs, each stored once. */
function expectPlannedOnce(type: string, id: string): void {
  const jobs = jobsOf(id);
  expect(jobs.map((j) => `${j.job.action}:${j.job.handler}`).sort(), id).toEqual(CREATE_JOBS[type]);
  expect(new Set(jobs.map((j) => j.id)).size, `${id}: no job stored twice`).toBe(jobs.length);
}

/** The subnet's heat job waited for its network's: named as a dependency, or stored after that job had finished. */
function expectSubnetWaited({ net, sub }: Pair): void {
  const netHeat = jobsOf(net).find((j) => j.job.handler === 'heat_worker')!;
  const subHeat = jobsOf(sub).find((j) => j.job.handler === 'heat_worker')!;
  const waited = subHeat.job.dependency.includes(netHeat.id);
  const finishedBefore = (deletedAt(netHeat.id) ?? Infinity) < subHeat.revision;
  expect(waited || finishedBefore, `${sub} (partition ${partitionOf(sub, 2)}) waits for ${net} (partition ${partitionOf(net, 2)})`).toBe(true);
}

describe('two planners by partition', () => {
  it('each plans its own partition; a subnet waits for its network planned by the other', async () => {
    const list = pairs('pp', 8);
    await submit(list);
    for (const { net, sub } of list) {
      expect(await settled('network', net, 30_000)).toBe('CREATE_COMPLETED');
      expect(await settled('subnet', sub, 30_000)).toBe('CREATE_COMPLETED');
    }
    const resources = list.flatMap(({ net, sub }) => [`network:${net}`, `subnet:${sub}`]);
    await logsCatchUp('every resource in a planner\'s log', () => {
      const [byFirst, byOther] = [plannedBy('planner'), plannedBy('planner-1')];
      return resources.every((r) => byFirst.has(r) || byOther.has(r));
    });
    const first = plannedBy('planner');
    const other = plannedBy('planner-1');
    for (const { net, sub } of list) {
      for (const [type, id] of [['network', net], ['subnet', sub]] as const) {
        const byFirst = first.has(`${type}:${id}`);
        const byOther = other.has(`${type}:${id}`);
        expect([byFirst, byOther], `${type} ${id} in partition ${partitionOf(id, 2)}`).toEqual(partitionOf(id, 2) === 0 ? [true, false] : [false, true]);
        expectPlannedOnce(type, id);
      }
      expectSubnetWaited({ net, sub });
    }
  }, 120_000);

  it('a network’s delete waits for its subnet’s, planned by the other planner, and both are removed', async () => {
    const { net, sub } = pairs('pd', 2)[0]!;
    await submit([{ net, sub }]);
    expect(await settled('subnet', sub, 30_000)).toBe('CREATE_COMPLETED');
    // The network first: its delete waits for the subnet, which lies in the other partition.
    await call(client, client.deleteResource, { resourceType: 'network', id: net });
    await call(client, client.deleteResource, { resourceType: 'subnet', id: sub });
    for (const [type, id] of [['subnet', sub], ['network', net]] as const) {
      await waitFor(`${type} ${id} removed`, async () => ((await etcd.get(configKeyOf(type, id)).string()) === null ? true : undefined), 30_000);
    }
    const deletes = (id: string) => jobsOf(id).filter((j) => j.job.action === 'delete');
    const subnetGone = recorder.events.find((e) => e.type === 'delete' && e.key === configKeyOf('subnet', sub))!.revision;
    expect(Math.min(...deletes(net).map((j) => j.revision)), 'the network’s delete planned after its subnet was removed').toBeGreaterThan(subnetGone);
    expect((await etcd.getAll().prefix(`/esi-planner/marks/network/${net}/`).keys()).length, 'a removed resource’s marks go with it').toBe(0);
  }, 90_000);

  it('when one planner is killed, the other takes its partition over: everything settles, nothing is planned twice', async () => {
    // Half submitted before the kill (killed while those are planned and run), half after.
    const before = pairs('pk', 8);
    const after = pairs('pa', 4);
    const list = [...before, ...after];
    const submitted = submit(before);
    await new Promise((r) => setTimeout(r, 150));
    await second.process.stop('SIGKILL');
    await submitted;
    await submit(after);
    for (const { net, sub } of list) {
      expect(await settled('network', net, 60_000)).toBe('CREATE_COMPLETED');
      expect(await settled('subnet', sub, 60_000)).toBe('CREATE_COMPLETED');
    }
    const ofPartition1 = after.flatMap((p) => [`network:${p.net}`, `subnet:${p.sub}`]).filter((r) => partitionOf(r.split(':')[1]!, 2) === 1);
    // The survivor logs "partition planning started" once its first pass over the
    // partition is done, and that pass plans the backlog: the builds can settle before the
    // line is written, and log lines reach the file a batch at a time.
    await logsCatchUp('the survivor\'s log names partition 1 and its resources', () => {
      const bySurvivor = plannedBy('planner');
      return held('planner').includes(1) && ofPartition1.every((r) => bySurvivor.has(r));
    });
    expect(held('planner'), 'the survivor took partition 1 over').toEqual([0, 1]);
    const survivor = plannedBy('planner');
    expect(ofPartition1.filter((r) => survivor.has(r)), 'partition 1’s resources submitted after the kill, planned by the survivor').toEqual(ofPartition1);
    for (const { net, sub } of list) {
      expectPlannedOnce('network', net);
      expectPlannedOnce('subnet', sub);
      expectSubnetWaited({ net, sub });
    }
    // Every workflow record of a version with jobs was stored once.
    const records = recorder.puts((k) => k.startsWith('/esi-planner/workflows/') && list.some((p) => k.endsWith(`/${p.net}`) || k.endsWith(`/${p.sub}`)));
    const withJobs = records.map((r) => ({ key: r.key, rec: JSON.parse(r.value) as { version: number; jobs: string[] } })).filter((r) => r.rec.jobs.length > 0);
    const versions = withJobs.map((r) => `${r.key}@${r.rec.version}`);
    expect(new Set(versions).size, 'no record of a version with jobs written twice').toBe(versions.length);
  }, 150_000);
});
