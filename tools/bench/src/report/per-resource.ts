/**
 * The report's shared readings of a run, computed one way for every part of it (the
 * targets, what bounds them, the comparison and the two-planner table): the best raw
 * step, the peak level, and a level's CPU per resource.
 */
import type { LevelResult } from '../chain/levels.js';
import { MACHINE } from '../proc-stats.js';
import type { RawLimits } from '../raw/raw-limits.js';
import type { RateResult } from '../raw/rate-result.js';

const faster = (a: RateResult, b: RateResult): RateResult => (b.perSecond > a.perSecond ? b : a);

/**
 * The raw pipeline step the limit is taken from: its rate and its CPU per step. Measured
 * right before and right after the peak level, the faster of the two (RawLimits.
 * besidePeak); in older result files, the best of the raw phase's and the one after the
 * chain.
 */
export function bestPipelineStep(raw: RawLimits): RateResult {
  if (raw.besidePeak) return faster(raw.besidePeak.before, raw.besidePeak.after);
  return [...raw.pipelineStep, ...(raw.pipelineStepAfter ? [raw.pipelineStepAfter] : [])].reduce(faster);
}

/**
 * The raw steps measured next to the peak level: the one after the level before it (the
 * raw phase's best when the peak is the first level) and the one after it. Undefined
 * when the levels carry no such measurement.
 */
export function stepsBesidePeak(raw: RawLimits, levels: LevelResult[]): RawLimits['besidePeak'] {
  const peak = peakOf(levels);
  const i = levels.indexOf(peak);
  const after = peak.rawStepAfter;
  const before = i > 0 ? levels[i - 1]!.rawStepAfter : raw.pipelineStep.reduce(faster);
  return after && before ? { level: peak.label, before, after } : undefined;
}

/** The level of the highest throughput. */
export const peakOf = (levels: LevelResult[]): LevelResult => levels.reduce((a, b) => (b.throughput > a.throughput ? b : a));

/**
 * Milliseconds of CPU per resource settled in the level, summed over the measured
 * processes `which` keeps (all of them by default; the machine's total is not one).
 */
export function cpuMsPerResource(l: LevelResult, which: (name: string) => boolean = () => true): number {
  let seconds = 0;
  for (const [name, usage] of Object.entries(l.procs)) if (name !== MACHINE && which(name)) seconds += usage.cpuSeconds;
  return (1000 * seconds) / Math.max(1, l.resources);
}

/**
 * How CPU per unit of work falls as more is in flight, for the chain and for the raw
 * step alike: the chain's CPU per resource with one build in flight and at the peak,
 * the raw step's CPU per step one at a time and at its best concurrency. Each ratio is
 * low-concurrency cost over peak cost; the two together say whether the chain's cost at
 * low load is its own or the machine's (waking processes, cold caches), which the raw
 * step pays as well.
 */
export interface CostCurve {
  chain: { oneMs: number; peakMs: number; ratio: number; oneLabel: string; peakLabel: string };
  raw: { oneMs: number; peakMs: number; ratio: number; peakConcurrency: number };
}

export function costCurve(levels: LevelResult[], raw: RawLimits): CostCurve | undefined {
  const one = levels.find((l) => l.concurrency === 1);
  const rawOne = raw.pipelineStep.find((s) => s.concurrency === 1);
  const rawBest = bestPipelineStep(raw);
  if (!one || rawOne?.machineCpuMsPerOp === undefined || rawBest.machineCpuMsPerOp === undefined) return undefined;
  const peak = peakOf(levels);
  const oneMs = cpuMsPerResource(one);
  const peakMs = cpuMsPerResource(peak);
  return {
    chain: { oneMs, peakMs, ratio: oneMs / peakMs, oneLabel: one.label, peakLabel: peak.label },
    raw: { oneMs: rawOne.machineCpuMsPerOp, peakMs: rawBest.machineCpuMsPerOp, ratio: rawOne.machineCpuMsPerOp / rawBest.machineCpuMsPerOp, peakConcurrency: rawBest.concurrency },
  };
}

/**
 * What the throughput target leaves the services: at half the limit the machine's cores
 * give a resource at most `allowedMs` of CPU in all (even fully busy), of which etcd,
 * nats-server and the bench driver, measured at the peak, already spend `othersMs`.
 * `servicesAllowedMs` (negative when the others alone exceed it) is what the five
 * services could spend together, against `servicesMs` measured.
 */
export interface ServiceBudget {
  allowedMs: number;
  othersMs: number;
  servicesAllowedMs: number;
  servicesMs: number;
}

export function serviceBudget(peak: LevelResult, raw: RawLimits, cores: number, steps: number, services: readonly string[]): ServiceBudget {
  const halfLimit = bestPipelineStep(raw).perSecond / steps / 2;
  const allowedMs = (1000 * cores) / halfLimit;
  const servicesMs = cpuMsPerResource(peak, (n) => services.includes(n));
  const othersMs = cpuMsPerResource(peak, (n) => !services.includes(n));
  return { allowedMs, othersMs, servicesAllowedMs: allowedMs - othersMs, servicesMs };
}
