/**
 * One size of the scale phase. Etcd is filled up to `size` resources with copies of a
 * settled build (clone-pair.ts), the workers and the planner are restarted on that data,
 * as after a deployment, and the planner is timed from its restart to its first
 * "resync done" line. Then builds are submitted one at a time, twice:
 *  1. before the monitoring-worker's slice of the copies (its targets and /monitoring
 *     statuses) is written — the pipeline with everything but the poller's load;
 *  2. after it is written and one poll interval has passed — everything a deployment
 *     holds. The poller reads every target in one etcd read each cycle; past the
 *     client's 4 MiB response limit (some 13,000 targets) that read fails and, retried
 *     every cycle, opens the client's circuit breaker, which fails the worker's jobs too.
 * The api is restarted only at the last size (api-restart-check.ts), since a failing
 * api would stop the phase. RSS and CPU of every process are sampled throughout.
 */
import type { Etcd3 } from 'etcd3';
import { KEY_PREFIX, SERVICE_NAMES } from '@esi/contracts';
import type { BenchStack } from '../bench-stack.js';
import type { ChainDeps } from '../chain/levels.js';
import { ProcSampler, readProc, type ProcUsage } from '../proc-stats.js';
import { restartApiAndCreate, type ApiRestartCheck } from './api-restart-check.js';
import { seedCopies, writeEntries, type PairTemplate } from './clone-pair.js';
import { countResources } from './count-resources.js';
import { measureChanges, type ChangeRound } from './measure-changes.js';
import { measureRawAtSize, type RawAtSize } from './raw-at-size.js';

export interface ScaleStep {
  size: number;
  present: number;
  seedSeconds: number;
  /** Planner restart (process start) → its first resync finished. */
  restartToResyncMs: number;
  /** The resync's own duration, as the planner logged it. */
  resyncMs: number;
  /** Periodic resyncs logged while the changes were measured (ms). */
  periodicResyncMs: number[];
  /** Whether each of them was a full pass (the others read only what changed since). */
  periodicResyncFull?: boolean[];
  /** How each read what changed: 'watched' (its /config watch's record), 'range' (no watch followed: etcd read every config), 'scan'. */
  periodicResyncRead?: string[];
  /** The planner's warnings that its /config watch stopped or was not set up, during the round, and the first one's reason. */
  configWatchWarnings?: { count: number; first?: string };
  /** New changes without the monitoring-worker's slice of the copies. */
  changes: ChangeRound;
  /** New changes with every key of the copies present. */
  changesWithMonitoring: ChangeRound;
  /** The raw step right before each round, on the same servers (absent in older results). */
  raw?: { changes: RawAtSize; changesWithMonitoring: RawAtSize };
  /** Poll cycles the monitoring-worker logged as failed during that round, and the first reason. */
  pollFailures: { count: number; first?: string };
  apiAfterRestart?: ApiRestartCheck;
  procs: Record<string, ProcUsage & { hwmMb: number }>;
}

const POLL_INTERVAL_MS = 5_000;
const isMonitoringSlice = (key: string): boolean => key.startsWith(KEY_PREFIX.monitoringTargets) || key.startsWith(KEY_PREFIX.monitoring);

export async function runScaleStep(
  b: BenchStack,
  etcd: Etcd3,
  chain: ChainDeps,
  template: PairTemplate,
  size: number,
  round: { builds: number; pauseMs: number },
  restartApi: boolean,
  say: (s: string) => void,
): Promise<ScaleStep> {
  const before = await countResources(etcd);
  const copies = Math.max(0, Math.ceil((size - before) / 2));
  const t0 = performance.now();
  const monitoringSlice = await seedCopies(etcd, template, copies, (key) => !isMonitoringSlice(key));
  const seedSeconds = (performance.now() - t0) / 1000;
  const present = await countResources(etcd);
  say(`  ${present} resources present (${copies} builds seeded in ${seedSeconds.toFixed(1)} s); restarting the services`);

  const sampler = new ProcSampler(chain.pids);
  sampler.start();
  // The workers together; the planner alone afterwards, so its timing has the machine.
  await Promise.all(SERVICE_NAMES.filter((n) => n !== 'planner' && n !== 'api').map((n) => b.stack.restart(n, 'SIGTERM')));
  const resyncLine = b.nextLine('planner', (l) => l.includes('"msg":"resync done"') && l.includes('"trigger":"start"'), 300_000);
  const restartedAt = Date.now();
  await b.stack.restart('planner', 'SIGTERM');
  const first = await resyncLine;
  const restartToResyncMs = first.atMs - restartedAt;
  const resyncMs = Number((JSON.parse(first.line) as { ms?: number }).ms ?? Number.NaN);
  say(`  planner: restart → resync done ${restartToResyncMs} ms (resync itself ${resyncMs} ms)`);

  const periodic: number[] = [];
  const periodicFull: boolean[] = [];
  const periodicRead: string[] = [];
  const watchWarnings = b.collectLines('planner', (l) => l.includes('watch of /config'));
  const watching = new AbortController();
  const watchPeriodic = (): void => {
    b.nextLine('planner', (l) => l.includes('"msg":"resync done"') && l.includes('"trigger":"interval"'), 600_000, watching.signal)
      .then((l) => {
        const logged = JSON.parse(l.line) as { ms?: number; full?: boolean; read?: string };
        periodic.push(Number(logged.ms));
        periodicFull.push(logged.full !== false);
        periodicRead.push(logged.read ?? '?');
        watchPeriodic();
      })
      .catch(() => undefined);
  };
  watchPeriodic();
  const rawBefore = await measureRawAtSize(b.nats.url, etcd);
  say(`  raw, one at a time: etcd compare-and-put p50 ${rawBefore.etcdTxnP50.toFixed(2)} ms, pipeline step p50 ${rawBefore.stepP50.toFixed(2)} ms`);
  const changes = await measureChanges(chain, round.builds, round.pauseMs);
  say(`  new change p50 ${changes.latency.p50} ms${changes.failures.length ? `; failed: ${changes.failures[0]}` : ''}`);
  await writeEntries(etcd, monitoringSlice);
  const polls = b.collectLines('monitoring-worker', (l) => l.includes('"msg":"poll cycle failed"'));
  await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS + 1_000));
  const rawWithMonitoring = await measureRawAtSize(b.nats.url, etcd);
  const changesWithMonitoring = await measureChanges(chain, round.builds, round.pauseMs);
  const failedPolls = polls.stop();
  const pollFailures = { count: failedPolls.length, ...(failedPolls[0] ? { first: reasonOf(failedPolls[0].line) } : {}) };
  if (pollFailures.count > 0) say(`  the monitoring-worker's poller failed ${pollFailures.count} times: ${pollFailures.first}`);
  say(
    `  with the monitoring targets: new change p50 ${changesWithMonitoring.latency.p50} ms` +
      `${changesWithMonitoring.failures.length ? `; failed: ${changesWithMonitoring.failures[0]}` : ''}`,
  );
  watching.abort();
  const watchWarned = watchWarnings.stop();
  const configWatchWarnings = { count: watchWarned.length, ...(watchWarned[0] ? { first: reasonOf(watchWarned[0].line) } : {}) };
  if (configWatchWarnings.count > 0) say(`  the planner's /config watch stopped or was not set up ${configWatchWarnings.count} times: ${configWatchWarnings.first}`);
  const apiAfterRestart = restartApi ? await restartApiAndCreate(b, chain) : undefined;
  if (apiAfterRestart) say(`  api restarted: ${apiAfterRestart.served} of 20 creates served in 10 s; ${apiAfterRestart.sweepFailures} failed sweeps`);
  const usage = sampler.stop();
  const procs: ScaleStep['procs'] = {};
  for (const [name, u] of usage) procs[name] = { ...u, hwmMb: readProc(chain.pids().get(name) ?? -1)?.hwmMb ?? Number.NaN };
  return {
    size,
    present,
    seedSeconds,
    restartToResyncMs,
    resyncMs,
    periodicResyncMs: periodic,
    periodicResyncFull: periodicFull,
    periodicResyncRead: periodicRead,
    configWatchWarnings,
    changes,
    changesWithMonitoring,
    raw: { changes: rawBefore, changesWithMonitoring: rawWithMonitoring },
    pollFailures,
    ...(apiAfterRestart ? { apiAfterRestart } : {}),
    procs,
  };
}

/** The error message of a pino log line, cut short. */
function reasonOf(line: string): string {
  try {
    const parsed = JSON.parse(line) as { err?: { message?: string }; msg?: string };
    return (parsed.err?.message ?? parsed.msg ?? '').slice(0, 160);
  } catch {
    return line.slice(0, 160);
  }
}
