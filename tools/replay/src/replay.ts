/**
 * Replays a recorded build against a running stack: submits the recorded /config writes
 * through the gRPC API in recorded order, each only after the states recorded before it
 * were reached (so causality holds, e.g. a port is attached after its logical port is
 * up), then compares every recorded job, state and /monitoring value with ours, and
 * reports what ours did that the recording did not (extra or doubled jobs, states, stacks
 * and /monitoring values, extras.ts).
 *
 * Job completion follows the recording: the replay walks config writes and /jobs/all
 * deletions in recorded order and releases each of our jobs (the etcd key
 * `<releasePrefix><esi_job_ tag>`) only when the recording says it finished, and only
 * after ours planned every job the recording planned before then. A stack whose
 * heat-worker holds simulated stacks until released (ESI_HEAT_SIMULATED_RELEASE_PREFIX)
 * therefore has the same jobs pending as the recording whenever it plans, so dependency
 * lists match however fast this machine is. A stack that does not hold just ignores the
 * keys. The
 * monitoring values come UP as recorded only where the stack's devices answer as the
 * recorded ones did: the local stack maps every device to its simulator and teaches it
 * the interfaces the build names (packages/local-stack), so no SNMP reaches the recorded
 * device addresses.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Etcd3 } from 'etcd3';
import { KEY_PREFIX, SLICES, type ConfigValue } from '@esi/contracts';
import { call, createResource, updateResource, type ResourceClient } from '@esi/client';
import { jobDifferences, stateDifferences, stateView } from './compare.js';
import { extraJobs, extraWrites } from './extras.js';
import { mask } from './masking.js';
import { bodyOf, readRecording, type RecordedEvent } from './recording.js';

export interface ReplayOptions {
  client: ResourceClient;
  etcd: Etcd3;
  files: string[];
  typeOfPlural: (plural: string) => string | undefined;
  /** How long to wait for a recorded state (or /monitoring value) before reporting it missing. */
  stateTimeoutMs?: number;
  say?: (line: string) => void;
  /** Where ours waits for its jobs' release (the heat-worker's ESI_HEAT_SIMULATED_RELEASE_PREFIX). */
  releasePrefix?: string;
}

export const DEFAULT_RELEASE_PREFIX = '/esi-replay/release/';

export interface RequestReport {
  request: string;
  submitted: string[];
  jobsExpected: number;
  jobsMatched: number;
  statesExpected: number;
  statesMatched: number;
  monitoringExpected: number;
  monitoringMatched: number;
  differences: string[];
}

export interface ReplayReport {
  requests: RequestReport[];
  jobs: { expected: number; matched: number };
  states: { expected: number; matched: number };
  monitoring: { expected: number; matched: number };
  differences: string[];
}

interface Observed {
  /** Every job ours planned, by its full id (two ids masking alike are a doubled job). */
  jobs: Map<string, Record<string, unknown>>;
  states: { key: string; value: unknown }[];
  monitoring: { key: string; value: unknown }[];
  stacks: { key: string; value: unknown }[];
}

const isPut = (e: RecordedEvent): boolean => e.action !== 'delete' && e.action !== 'compareAndDelete';

export async function replay(opts: ReplayOptions): Promise<ReplayReport> {
  const say = opts.say ?? (() => undefined);
  const rec = readRecording(opts.files);
  const observed: Observed = { jobs: new Map(), states: [], monitoring: [], stacks: [] };
  const timeoutMs = opts.stateTimeoutMs ?? 30_000;
  const gate = new ReleaseGate(opts.etcd, opts.releasePrefix ?? DEFAULT_RELEASE_PREFIX);
  const watcher = await opts.etcd.watch().prefix('/').create();
  watcher.on('put', (kv) => {
    const key = kv.key.toString();
    if (key.startsWith(KEY_PREFIX.jobs)) {
      const [, job] = JSON.parse(kv.value.toString()) as [string, Record<string, unknown>, number];
      observed.jobs.set(String(job.id), job);
    } else if (key.startsWith(SLICES.state.prefix)) {
      observed.states.push({ key, value: JSON.parse(kv.value.toString()) as unknown });
    } else if (key.startsWith(KEY_PREFIX.monitoring)) {
      observed.monitoring.push({ key, value: JSON.parse(kv.value.toString()) as unknown });
    } else if (key.startsWith(KEY_PREFIX.heatStacks)) {
      observed.stacks.push({ key, value: JSON.parse(kv.value.toString()) as unknown });
    }
  });

  const reports = new Map<string, RequestReport>();
  const reportFor = (request: string): RequestReport => {
    let r = reports.get(request);
    if (!r) {
      r = { request, submitted: [], jobsExpected: 0, jobsMatched: 0, statesExpected: 0, statesMatched: 0, monitoringExpected: 0, monitoringMatched: 0, differences: [] };
      reports.set(request, r);
    }
    return r;
  };
  const requestBefore = (seq: number): string => {
    let request = '';
    for (const c of rec.config) if (c.seq < seq) request = rec.requestOf.get(c.seq) ?? request;
    return request;
  };

  // Config writes and job ends, in recorded order.
  const timeline = [
    ...rec.config.filter((e) => !e.key.startsWith(KEY_PREFIX.templates)),
    ...rec.jobs.filter((j) => j.action === 'delete'),
  ].sort((a, b) => a.seq - b.seq);
  try {
    for (const e of timeline) {
      if (e.key.startsWith(KEY_PREFIX.jobs)) {
        // Ours must have planned what the recording planned before this job ended, so
        // those plans saw it pending, as the recorded ones did.
        await waitForJobsPlanned(observed, rec.jobs.filter((j) => j.seq < e.seq && isPut(j)), timeoutMs);
        const masked = String(mask(e.key.slice(KEY_PREFIX.jobs.length)));
        for (const id of observed.jobs.keys()) if (String(mask(id)) === masked) await gate.release(id);
        await waitForJobsGone(opts.etcd, [e], timeoutMs);
        continue;
      }
      const request = rec.requestOf.get(e.seq) ?? '?';
      const report = reportFor(request);
      await waitForStates(opts.etcd, rec.states.filter((s) => s.seq < e.seq), timeoutMs);
      // The recorded client's next write also came after the planner had removed the jobs
      // recorded as finished before it: a job still pending here would become a
      // dependency the recording does not have (a planner lagging behind the aggregator).
      await waitForJobsGone(opts.etcd, rec.jobs.filter((j) => j.seq < e.seq && j.action === 'delete'), timeoutMs);
      const parsed = SLICES.config.resourceOf(e.key);
      const type = parsed ? opts.typeOfPlural(parsed.plural) : undefined;
      if (!parsed || !type) {
        report.differences.push(`${e.key}: no resource type for this key`);
        continue;
      }
      const value = e.value as ConfigValue;
      try {
        if (value.marked_for_deletion) await call(opts.client, opts.client.deleteResource, { resourceType: type, id: parsed.id });
        else if (value.version === 1) await createResource(opts.client, type, bodyOf(e));
        else await updateResource(opts.client, type, parsed.id, bodyOf(e));
        report.submitted.push(`${type}:${parsed.id}:v${value.version}`);
        say(`${request}: submitted ${type} ${parsed.id} v${value.version}`);
      } catch (err) {
        report.differences.push(`${type} ${parsed.id} v${value.version} refused: ${(err as Error).message}`);
      }
    }
    // Jobs the recording does not have (reported below) may finish too.
    for (const id of observed.jobs.keys()) await gate.release(id);
    await waitForStates(opts.etcd, rec.states, timeoutMs);
    // The poller writes /monitoring after the state (its first poll waits one interval).
    await waitForMonitoring(observed, recordedMonitoring(rec.monitoring), timeoutMs);
    // Jobs are written before their states; a short grace lets the watcher catch up.
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    await watcher.cancel();
    await gate.clear();
  }

  for (const e of rec.jobs) {
    if (e.action !== 'set' && e.action !== 'create') continue;
    const [, job] = e.value as [string, Record<string, unknown>, number];
    const report = reportFor(requestBefore(e.seq));
    report.jobsExpected++;
    const ours = [...observed.jobs.values()].find((j) => mask(j.id) === mask(job.id));
    if (!ours) {
      report.differences.push(`job ${String(mask(job.id))}: not planned`);
      continue;
    }
    const diffs = jobDifferences(job, ours);
    if (diffs.length === 0) report.jobsMatched++;
    else report.differences.push(...diffs.map((d) => `job ${String(mask(job.id))}: ${d}`));
  }
  for (const e of rec.states) {
    if (e.action === 'delete' || e.action === 'compareAndDelete') continue;
    const report = reportFor(requestBefore(e.seq));
    report.statesExpected++;
    const want = stateView(e.value);
    const ours = observed.states.find((s) => s.key === e.key && stateView(s.value).version === want.version);
    if (!ours) {
      report.differences.push(`state ${e.key} v${want.version}: not reached`);
      continue;
    }
    const diffs = stateDifferences(e.value, ours.value);
    if (diffs.length === 0) report.statesMatched++;
    else report.differences.push(...diffs.map((d) => `state ${e.key}: ${d}`));
  }

  for (const e of recordedMonitoring(rec.monitoring)) {
    const report = reportFor(rec.requestOf.get(e.seq) ?? requestBefore(e.seq));
    report.monitoringExpected++;
    const seen = observed.monitoring.filter((o) => o.key === e.key);
    if (seen.some((o) => isDeepStrictEqual(o.value, e.value))) report.monitoringMatched++;
    else report.differences.push(`monitoring ${e.key}: expected ${JSON.stringify(e.value)}, got ${seen.length > 0 ? JSON.stringify(seen.at(-1)!.value) : 'nothing'}`);
  }

  const doubled = reportFor('extra or doubled');
  doubled.differences.push(
    ...extraJobs(rec.jobs.filter(isPut).map((e) => String((e.value as [string, { id: string }])[1].id)), [...observed.jobs.keys()]),
    ...extraWrites('state', rec.states.filter(isPut), observed.states, stateView),
    ...extraWrites('stack', rec.heatStacks.filter(isPut), observed.stacks, (v) => (v as { stack_status?: string }).stack_status),
    ...extraWrites('monitoring', recordedMonitoring(rec.monitoring), observed.monitoring),
  );

  const requests = [...reports.values()];
  const sum = (f: (r: RequestReport) => number): number => requests.reduce((n, r) => n + f(r), 0);
  return {
    requests,
    jobs: { expected: sum((r) => r.jobsExpected), matched: sum((r) => r.jobsMatched) },
    states: { expected: sum((r) => r.statesExpected), matched: sum((r) => r.statesMatched) },
    monitoring: { expected: sum((r) => r.monitoringExpected), matched: sum((r) => r.monitoringMatched) },
    differences: requests.flatMap((r) => r.differences.map((d) => `${r.request}: ${d}`)),
  };
}

async function waitForStates(etcd: Etcd3, states: RecordedEvent[], timeoutMs: number): Promise<void> {
  const latest = new Map<string, number>();
  for (const s of states) {
    if (s.action === 'delete' || s.action === 'compareAndDelete') continue;
    latest.set(s.key, Math.max(latest.get(s.key) ?? 0, stateView(s.value).version ?? 0));
  }
  const deadline = Date.now() + timeoutMs;
  for (const [key, version] of latest) {
    for (;;) {
      const raw = await etcd.get(key).string();
      if (raw && (stateView(JSON.parse(raw)).version ?? 0) >= version) break;
      if (Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function recordedMonitoring(events: RecordedEvent[]): RecordedEvent[] {
  return events.filter(isPut);
}

/** Releases our jobs to a heat-worker that holds its simulated stacks (release-gate.ts there). */
class ReleaseGate {
  private readonly released = new Set<string>();

  constructor(
    private readonly etcd: Etcd3,
    private readonly prefix: string,
  ) {}

  async release(jobId: string): Promise<void> {
    if (this.released.has(jobId)) return;
    this.released.add(jobId);
    // The heat-worker tags a stack with the sha1 of the job id (job ids exceed Heat's tag length).
    const tag = `esi_job_${createHash('sha1').update(jobId).digest('hex')}`;
    await this.etcd.put(`${this.prefix}${tag}`).value(jobId);
  }

  async clear(): Promise<void> {
    await this.etcd.delete().prefix(this.prefix);
  }
}

/** Until ours planned every recorded job (ids compared with the suffix masked), or the time is up. */
async function waitForJobsPlanned(observed: Observed, planned: RecordedEvent[], timeoutMs: number): Promise<void> {
  const want = new Set(planned.map((e) => String(mask((e.value as [string, { id: string }])[1].id))));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ours = new Set([...observed.jobs.keys()].map((id) => String(mask(id))));
    if ([...want].every((m) => ours.has(m)) || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Until every recorded /monitoring value was written by ours too, or the time is up. */
async function waitForMonitoring(observed: Observed, recorded: RecordedEvent[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const seen = (e: RecordedEvent): boolean => observed.monitoring.some((o) => o.key === e.key && isDeepStrictEqual(o.value, e.value));
  while (!recorded.every(seen) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

async function waitForJobsGone(etcd: Etcd3, deletes: RecordedEvent[], timeoutMs: number): Promise<void> {
  const gone = new Set(deletes.map((d) => String(mask(d.key.slice(KEY_PREFIX.jobs.length)))));
  if (gone.size === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ours = await etcd.getAll().prefix(KEY_PREFIX.jobs).keys();
    if (!ours.some((k) => gone.has(String(mask(k.slice(KEY_PREFIX.jobs.length)))))) return;
    if (Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function formatReport(r: ReplayReport): string {
  const lines = r.requests.map(
    (q) =>
      `${q.request}: ${q.submitted.length} submitted, jobs ${q.jobsMatched}/${q.jobsExpected}, states ${q.statesMatched}/${q.statesExpected}, monitoring ${q.monitoringMatched}/${q.monitoringExpected}` +
      q.differences.map((d) => `\n    - ${d}`).join(''),
  );
  lines.push(
    `total: jobs ${r.jobs.matched}/${r.jobs.expected} matched, states ${r.states.matched}/${r.states.expected} matched, ` +
      `monitoring ${r.monitoring.matched}/${r.monitoring.expected} matched, ${r.differences.length} differences`,
  );
  return lines.join('\n');
}
