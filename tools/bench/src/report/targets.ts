/**
 * The ratios and targets, each computed from figures of the same run:
 *  - throughput limit = pipeline steps per second (best concurrency) ÷ steps per resource;
 *  - latency limit = steps on a resource's critical path × one step's p50 (concurrency 1).
 * Steps per resource: every message a service handles with an etcd write, plus the api's
 * write-and-publish — api, planner (the change), heat-worker, state-aggregator (heat
 * result), planner (heat result), monitoring-worker, state-aggregator (final state),
 * planner (monitoring result) = 8. Six of them lie on the path from submit to
 * CREATE_COMPLETED (the aggregator's heat-result fold and the planner's last cleanup run
 * beside it). The two config consumers that only decode and ack are not counted.
 */
import type { LevelResult } from '../chain/levels.js';
import type { RawLimits } from '../raw/raw-limits.js';
import type { ChangeRound } from '../scale/measure-changes.js';
import type { RawAtSize } from '../scale/raw-at-size.js';
import type { ScaleStep } from '../scale/scale-step.js';
import { bestPipelineStep, cpuMsPerResource, peakOf } from './per-resource.js';

export const STEPS_PER_RESOURCE = 8;
export const CRITICAL_PATH_STEPS = 6;
export const RSS_LIMIT_MB = 512;
/** At the peak level, per resource: etcd's own count of requests and of WAL fsyncs, and the CPU of every process. */
export const REQUESTS_LIMIT = 15;
export const FSYNCS_LIMIT = 5;
export const CPU_MS_LIMIT = 10;

export interface Verdict {
  target: string;
  measured: string;
  met: boolean;
  /** How far off, in words, when missed. */
  gap?: string;
}

export interface Verdicts {
  stepPerSecond: number;
  stepP50Ms: number;
  throughputLimit: number;
  latencyLimitMs: number;
  peak: { throughput: number; ratio: number; level: string };
  unloaded: { p50: number; ratio: number };
  halfPeakP99: number;
  changeLatencyRatio?: number;
  maxRssAtLargest?: { service: string; mb: number; size: number };
  list: Verdict[];
}

export function verdicts(raw: RawLimits, unloadedLevel: LevelResult, levels: LevelResult[], halfPeak: LevelResult, scale: ScaleStep[]): Verdicts {
  const best = bestPipelineStep(raw);
  const stepP50Ms = raw.pipelineStep.find((r) => r.concurrency === 1)!.latency.p50;
  const throughputLimit = best.perSecond / STEPS_PER_RESOURCE;
  const latencyLimitMs = CRITICAL_PATH_STEPS * stepP50Ms;
  const peakLevel = peakOf(levels);
  const unloaded = unloadedLevel.latency.p50;
  const list: Verdict[] = [];
  const tRatio = peakLevel.throughput / throughputLimit;
  list.push({
    target: 'throughput ≥ ½ × limit',
    measured: `${peakLevel.throughput.toFixed(1)} resources/s = ${tRatio.toFixed(3)} × limit (${throughputLimit.toFixed(0)}/s)`,
    met: tRatio >= 0.5,
    gap: tRatio >= 0.5 ? undefined : `${(0.5 / tRatio).toFixed(1)}× too low (needs ${(throughputLimit / 2).toFixed(0)}/s)`,
  });
  const lRatio = unloaded / latencyLimitMs;
  list.push({
    target: 'unloaded p50 ≤ 2 × sum of raw steps',
    measured: `${unloaded.toFixed(0)} ms = ${lRatio.toFixed(1)} × (${CRITICAL_PATH_STEPS} × ${stepP50Ms.toFixed(2)} ms)`,
    met: lRatio <= 2,
    gap: lRatio <= 2 ? undefined : `${(lRatio / 2).toFixed(1)}× too slow (needs ≤ ${(2 * latencyLimitMs).toFixed(0)} ms)`,
  });
  const p99 = halfPeak.latency.p99;
  list.push({
    target: 'p99 < 100 ms at half the peak throughput',
    measured: `${p99.toFixed(0)} ms at ${halfPeak.throughput.toFixed(1)} resources/s`,
    met: p99 < 100,
    gap: p99 < 100 ? undefined : `${(p99 / 100).toFixed(1)}× over`,
  });
  list.push(...peakCostVerdicts(peakLevel, best.machineCpuMsPerOp));
  const out: Verdicts = {
    stepPerSecond: best.perSecond,
    stepP50Ms,
    throughputLimit,
    latencyLimitMs,
    peak: { throughput: peakLevel.throughput, ratio: tRatio, level: peakLevel.label },
    unloaded: { p50: unloaded, ratio: lRatio },
    halfPeakP99: p99,
    list,
  };
  if (scale.length >= 2) {
    const small = scale[0]!;
    const large = scale[scale.length - 1]!;
    const sizes = `${large.present.toLocaleString('en')} ≤ 1.2 × at ${small.present.toLocaleString('en')}`;
    const compare = (a: ChangeRound, b: ChangeRound, what: string, rawA?: RawAtSize, rawB?: RawAtSize): Verdict =>
      changeLatencyVerdict(`new-change latency at ${sizes} (${what})`, a, b, rawA, rawB);
    out.changeLatencyRatio = large.changes.latency.p50 / small.changes.latency.p50;
    list.push(compare(small.changesWithMonitoring, large.changesWithMonitoring, 'every key a deployment holds', small.raw?.changesWithMonitoring, large.raw?.changesWithMonitoring));
    list.push(compare(small.changes, large.changes, "without the monitoring-worker's targets", small.raw?.changes, large.raw?.changes));
    const services = Object.entries(large.procs).filter(([n]) => !['nats-server', 'etcd', 'bench driver'].includes(n) && !n.startsWith('machine'));
    const [service, usage] = services.reduce((a, b) => (Math.max(b[1].peakRssMb, b[1].hwmMb) > Math.max(a[1].peakRssMb, a[1].hwmMb) ? b : a));
    const mb = Math.max(usage.peakRssMb, usage.hwmMb);
    out.maxRssAtLargest = { service, mb, size: large.size };
    list.push({
      target: `no service above ${RSS_LIMIT_MB} MB RSS at ${large.size.toLocaleString('en')}`,
      measured: `highest: ${service} ${mb.toFixed(0)} MB (peak since its restart)`,
      met: mb <= RSS_LIMIT_MB,
      gap: mb <= RSS_LIMIT_MB ? undefined : `${(mb - RSS_LIMIT_MB).toFixed(0)} MB over`,
    });
  }
  return out;
}

/** What a resource costs at the peak level: etcd requests and fsyncs (etcd's own counters) and CPU, each against its target. */
export function peakCostVerdicts(peak: LevelResult, rawStepCpuMs: number | undefined): Verdict[] {
  const e = peak.etcdPerResource;
  const out: Verdict[] = [];
  // Result files written before etcd's requests were counted (2026-12-04) have no figure to judge.
  if (e.requests !== undefined) {
    out.push({
      target: `etcd requests per resource ≤ ${REQUESTS_LIMIT} at the peak`,
      measured: `${e.requests.toFixed(1)} (etcd's count of unary calls; the raw step makes 1)`,
      met: e.requests <= REQUESTS_LIMIT,
      gap: e.requests <= REQUESTS_LIMIT ? undefined : `${(e.requests / REQUESTS_LIMIT).toFixed(1)}× over`,
    });
  }
  out.push({
    target: `etcd WAL fsyncs per resource ≤ ${FSYNCS_LIMIT} at the peak`,
    measured: `${e.fsync.toFixed(1)} (the raw step makes 1)`,
    met: e.fsync <= FSYNCS_LIMIT,
    gap: e.fsync <= FSYNCS_LIMIT ? undefined : `${(e.fsync / FSYNCS_LIMIT).toFixed(1)}× over`,
  });
  const cpu = cpuMsPerResource(peak);
  const steps = rawStepCpuMs ? ` = ${(cpu / rawStepCpuMs).toFixed(0)} raw steps' worth (one costs ${rawStepCpuMs.toFixed(2)} ms)` : '';
  out.push({
    target: `CPU per resource ≤ ${CPU_MS_LIMIT} ms at the peak, all processes`,
    measured: `${cpu.toFixed(1)} ms${steps}`,
    met: cpu <= CPU_MS_LIMIT,
    gap: cpu <= CPU_MS_LIMIT ? undefined : `${(cpu / CPU_MS_LIMIT).toFixed(1)}× over`,
  });
  return out;
}

/**
 * A new change's p50 at the larger size against the smaller one (≤ 1.2×), with the raw
 * step's and etcd's own compare-and-put's ratios measured just before each round: the
 * servers' share of any growth, where a miss says what bounds it.
 */
export function changeLatencyVerdict(target: string, a: ChangeRound, b: ChangeRound, rawA?: RawAtSize, rawB?: RawAtSize): Verdict {
  if (b.failures.length > 0 || a.failures.length > 0) {
    const failed = b.failures.length > 0 ? b : a;
    return { target, measured: `new changes failed: ${failed.failures[0]}`, met: false, gap: 'no change settles' };
  }
  const r = b.latency.p50 / a.latency.p50;
  const ratio = (x: number, y: number) => `${x.toFixed(2)} ms vs ${y.toFixed(2)} ms = ${(x / y).toFixed(2)}×`;
  const raw = rawA && rawB ? `; the raw step alone ${ratio(rawB.stepP50, rawA.stepP50)}, etcd's compare-and-put alone ${ratio(rawB.etcdTxnP50, rawA.etcdTxnP50)}` : '';
  return {
    target,
    measured: `p50 ${b.latency.p50.toFixed(0)} ms vs ${a.latency.p50.toFixed(0)} ms = ${r.toFixed(2)}×${raw}`,
    met: r <= 1.2,
    gap: r <= 1.2 ? undefined : `${(r / 1.2).toFixed(2)}× over the allowance`,
  };
}
