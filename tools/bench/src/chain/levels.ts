/**
 * Load levels of the chain. Closed: `concurrency` clients, each submitting a build and
 * waiting for it to settle before the next, until the level's time is up. Open: builds
 * started at a fixed rate whatever is still in flight (the p99-at-half-peak check).
 * Paced: one build at a time with a pause between (the unloaded latency).
 * Each level reports throughput (resources reaching CREATE_COMPLETED per second),
 * latency, the stages, and CPU and peak RSS of every process.
 */
import type { ResourceClient } from '@esi/client';
import { perItem, readEtcdCounts, type EtcdCounts } from '../etcd-metrics.js';
import { ProcSampler, type ProcUsage } from '../proc-stats.js';
import { parseReplans, replansPerItem, type ReplanCounts } from '../planner-replans.js';
import type { RateResult } from '../raw/rate-result.js';
import { parseServiceRequests, readEachService, requestsByFamilyPerItem, requestsPerItem, type RequestCounts } from '../service-etcd-requests.js';
import { parseServiceTime, timePerItem, type ServiceTimes } from '../service-time.js';
import { summarize, type Summary } from '../stats.js';
import type { BuildContext } from './build-bodies.js';
import type { EventTap } from './event-tap.js';
import { stageLatencies } from './stages.js';
import { runBuild, type Settled } from './submit.js';

export interface ChainDeps {
  client: ResourceClient;
  tap: EventTap;
  ctx: BuildContext;
  pids: () => Map<string, number>;
  /** etcd's client URL, for its operation counters. */
  etcdUrl: string;
  /** Each service's /metrics URL, for its etcd request counters. */
  metricsUrls: () => Map<string, string>;
  /** Numbers builds across the whole run (names and VLANs stay distinct). */
  nextBuild: () => number;
}

export interface LevelResult {
  label: string;
  /** Builds in flight (closed) or builds started per second (open). */
  concurrency?: number;
  offeredPerSecond?: number;
  resources: number;
  failures: number;
  firstFailure?: string;
  seconds: number;
  /** Resources reaching CREATE_COMPLETED per second. */
  throughput: number;
  latency: Summary;
  latencyByType: Record<string, Summary>;
  stages: Record<string, Summary>;
  procs: Record<string, ProcUsage>;
  /** etcd operations per resource settled in this level. */
  etcdPerResource: EtcdCounts;
  /** etcd requests per resource settled, by service and operation (the services' counters). */
  requestsPerResource?: Record<string, Record<string, number>>;
  /** Per service, "op key-family" → requests per resource (absent in older result files). */
  requestsByFamily?: Record<string, Record<string, number>>;
  /** Per planner, reason → changes planned again or put off per resource (only those that happened; absent in older result files). */
  replansPerResource?: Record<string, Record<string, number>>;
  /** Per service, ms per resource handling and, of it, waiting on etcd (absent in older result files). */
  timePerResource?: Record<string, { handleMs: number; etcdMs: number; etcdRequests: number }>;
  /**
   * The raw pipeline step at the limit's concurrency, measured right after this level on
   * the same stack (closed levels; absent in older result files): the limit beside the
   * level, where the one measured before the chain may be minutes and a different machine
   * speed away.
   */
  rawStepAfter?: RateResult;
}

export async function runClosedLevel(deps: ChainDeps, concurrency: number, durationMs: number, maxBuilds: number): Promise<LevelResult> {
  let started = 0;
  return measure(deps, `closed, ${concurrency} build(s) in flight`, { concurrency }, async (record) => {
    const deadline = Date.now() + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < deadline && started < maxBuilds) {
          started++;
          await record(runBuild(deps.client, deps.tap, deps.ctx, deps.nextBuild()));
        }
      }),
    );
  });
}

/**
 * The unloaded case: one build at a time with a pause after each, so every build starts
 * on an idle system (back to back, the previous build's tail work — results folded,
 * jobs cleaned up, polls — still runs when the next starts).
 */
export async function runPacedLevel(deps: ChainDeps, builds: number, pauseMs: number): Promise<LevelResult> {
  return measure(deps, `unloaded: one build at a time, ${pauseMs} ms apart`, { concurrency: 1 }, async (record) => {
    for (let i = 0; i < builds; i++) {
      await record(runBuild(deps.client, deps.tap, deps.ctx, deps.nextBuild()));
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  });
}

export async function runOpenLevel(deps: ChainDeps, resourcesPerSecond: number, durationMs: number, maxBuilds: number): Promise<LevelResult> {
  const buildsPerSecond = resourcesPerSecond / 2;
  return measure(deps, `open, ${round1(resourcesPerSecond)} resources/s offered`, { offeredPerSecond: resourcesPerSecond }, async (record) => {
    const t0 = Date.now();
    const running: Promise<void>[] = [];
    for (let i = 0; i < maxBuilds; i++) {
      const at = t0 + (i * 1000) / buildsPerSecond;
      if (at - t0 >= durationMs) break;
      const wait = at - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      running.push(record(runBuild(deps.client, deps.tap, deps.ctx, deps.nextBuild())));
    }
    await Promise.all(running);
  });
}

/** The services' own counters a level reports, from one read of each service's /metrics. */
async function readServiceCounters(metricsUrls: Map<string, string>): Promise<{ requests: RequestCounts; times: ServiceTimes; replans: ReplanCounts }> {
  const out = { requests: new Map() as RequestCounts, times: new Map() as ServiceTimes, replans: new Map() as ReplanCounts };
  await readEachService(metricsUrls, (service, text) => {
    parseServiceRequests(service, text, out.requests);
    out.times.set(service, parseServiceTime(text));
    parseReplans(service, text, out.replans);
  });
  return out;
}

async function measure(
  deps: ChainDeps,
  label: string,
  shape: Pick<LevelResult, 'concurrency' | 'offeredPerSecond'>,
  drive: (record: (build: Promise<Settled[]>) => Promise<void>) => Promise<void>,
): Promise<LevelResult> {
  await deps.tap.clear();
  const done: Settled[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const sampler = new ProcSampler(deps.pids);
  const etcdBefore = await readEtcdCounts(deps.etcdUrl);
  const before = await readServiceCounters(deps.metricsUrls());
  const t0 = Date.now();
  sampler.start();
  await drive(async (build) => {
    try {
      done.push(...(await build));
    } catch (err) {
      failures++;
      firstFailure ??= (err as Error).message;
    }
  });
  const procs = sampler.stop();
  const etcdPerResource = perItem(etcdBefore, await readEtcdCounts(deps.etcdUrl), done.length);
  const after = await readServiceCounters(deps.metricsUrls());
  const requestsPerResource = requestsPerItem(before.requests, after.requests, done.length);
  const requestsByFamily = requestsByFamilyPerItem(before.requests, after.requests, done.length);
  const timePerResource = timePerItem(before.times, after.times, done.length);
  const replansPerResource = replansPerItem(before.replans, after.replans, done.length);
  const last = done.reduce((a, r) => Math.max(a, r.timeline.completedAtMs!), t0 + 1);
  const seconds = (last - t0) / 1000;
  const types = [...new Set(done.map((r) => r.type))];
  return {
    label,
    ...shape,
    resources: done.length,
    failures,
    ...(firstFailure ? { firstFailure } : {}),
    seconds,
    throughput: done.length / seconds,
    latency: summarize(done.map((r) => r.latencyMs)),
    latencyByType: Object.fromEntries(types.map((t) => [t, summarize(done.filter((r) => r.type === t).map((r) => r.latencyMs))])),
    stages: await stageLatencies(deps.tap, done),
    procs: Object.fromEntries(procs),
    etcdPerResource,
    requestsPerResource,
    requestsByFamily,
    timePerResource,
    replansPerResource,
  };
}

const round1 = (x: number): string => x.toFixed(1);
