/**
 * The report's shared readings of a run, computed one way for every part of it (the
 * targets, what bounds them, the comparison and the two-planner table): the best raw
 * step, the peak level, and a level's CPU per resource.
 */
import type { LevelResult } from '../chain/levels.js';
import { MACHINE } from '../proc-stats.js';
import type { RawLimits } from '../raw/raw-limits.js';
import type { RateResult } from '../raw/rate-result.js';

/** The raw pipeline step at its best concurrency: the limit's rate and its CPU per step. */
export const bestPipelineStep = (raw: RawLimits): RateResult => raw.pipelineStep.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));

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
