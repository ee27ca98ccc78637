/**
 * Replays a recorded build against a running stack: submits the recorded /config writes
 * through the gRPC API in recorded order, each only after the states recorded before it
 * were reached (so causality holds, e.g. a port is attached after its logical port is
 * up), then compares every recorded job, state and /monitoring value with ours. The
 * monitoring values come UP as recorded only where the stack's devices answer as the
 * recorded ones did: the local stack maps every device to its simulator and teaches it
 * the interfaces the build names (packages/local-stack), so no SNMP reaches the recorded
 * device addresses.
 */
import { isDeepStrictEqual } from 'node:util';
import { Etcd3 } from 'etcd3';
import { parseCollectionKey, type ConfigValue } from '@esi/contracts';
import { call, createResource, updateResource, type ResourceClient } from '@esi/local-stack';
import { jobDifferences, stateDifferences, stateView } from './compare.js';
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
}

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
  jobs: Map<string, Record<string, unknown>>;
  states: { key: string; value: unknown }[];
  monitoring: { key: string; value: unknown }[];
}

export async function replay(opts: ReplayOptions): Promise<ReplayReport> {
  const say = opts.say ?? (() => undefined);
  const rec = readRecording(opts.files);
  const observed: Observed = { jobs: new Map(), states: [], monitoring: [] };
  const watcher = await opts.etcd.watch().prefix('/').create();
  watcher.on('put', (kv) => {
    const key = kv.key.toString();
    if (key.startsWith('/jobs/all/')) {
      const [, job] = JSON.parse(kv.value.toString()) as [string, Record<string, unknown>, number];
      observed.jobs.set(String(mask(job.id)), job);
    } else if (key.startsWith('/state/')) {
      observed.states.push({ key, value: JSON.parse(kv.value.toString()) as unknown });
    } else if (key.startsWith('/monitoring/')) {
      observed.monitoring.push({ key, value: JSON.parse(kv.value.toString()) as unknown });
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

  try {
    for (const e of rec.config) {
      const request = rec.requestOf.get(e.seq) ?? '?';
      const report = reportFor(request);
      if (e.key.startsWith('/config/v2.0/heat_templates/')) continue;
      await waitForStates(opts.etcd, rec.states.filter((s) => s.seq < e.seq), opts.stateTimeoutMs ?? 30_000);
      // The recorded client's next write also came after the planner had removed the jobs
      // recorded as finished before it: a job still pending here would become a
      // dependency the recording does not have (a planner lagging behind the aggregator).
      await waitForJobsGone(opts.etcd, rec.jobs.filter((j) => j.seq < e.seq && j.action === 'delete'), opts.stateTimeoutMs ?? 30_000);
      const parsed = parseCollectionKey('/config/', e.key);
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
    await waitForStates(opts.etcd, rec.states, opts.stateTimeoutMs ?? 30_000);
    // The poller writes /monitoring after the state (its first poll waits one interval).
    await waitForMonitoring(observed, recordedMonitoring(rec.monitoring), opts.stateTimeoutMs ?? 30_000);
    // Jobs are written before their states; a short grace lets the watcher catch up.
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    await watcher.cancel();
  }

  for (const e of rec.jobs) {
    if (e.action !== 'set' && e.action !== 'create') continue;
    const [, job] = e.value as [string, Record<string, unknown>, number];
    const report = reportFor(requestBefore(e.seq));
    report.jobsExpected++;
    const ours = observed.jobs.get(String(mask(job.id)));
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
  return events.filter((e) => e.action !== 'delete' && e.action !== 'compareAndDelete');
}

/** Until every recorded /monitoring value was written by ours too, or the time is up. */
async function waitForMonitoring(observed: Observed, recorded: RecordedEvent[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const seen = (e: RecordedEvent): boolean => observed.monitoring.some((o) => o.key === e.key && isDeepStrictEqual(o.value, e.value));
  while (!recorded.every(seen) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

async function waitForJobsGone(etcd: Etcd3, deletes: RecordedEvent[], timeoutMs: number): Promise<void> {
  const gone = new Set(deletes.map((d) => String(mask(d.key.slice('/jobs/all/'.length)))));
  if (gone.size === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ours = await etcd.getAll().prefix('/jobs/all/').keys();
    if (!ours.some((k) => gone.has(String(mask(k.slice('/jobs/all/'.length)))))) return;
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
