/** How long and how large each phase runs: quick (under two minutes, for the docs) or full. */
export interface Mode {
  name: 'quick' | 'full';
  rawConcurrency: number[];
  rawMs: number;
  /**
   * Load before the first measured level (8 builds in flight), until this many builds or
   * this long: V8 compiles the services' hot code only after many runs, and the unloaded
   * latency measured after 125 builds was still 65 ms where after 625 it was 47 (and 48
   * after 1,625): a shorter warm-up measured start-up, not the idle system.
   */
  warmup: { builds: number; maxMs: number };
  /** Builds measured one at a time on an idle system (the unloaded latency). */
  unloadedBuilds: number;
  /** Builds in flight at each closed level. */
  levels: number[];
  levelMs: number;
  maxBuildsPerLevel: number;
  /**
   * How long the open level at half the peak runs. Its p99 is the tail of a queue on a
   * machine about 90 % busy: 20-30 s rounds of one tree ranged 105-247 ms (2026-12-07),
   * bursts of slow builds up to a few seconds long deciding it, so the full mode pools a
   * minute of them.
   */
  halfPeakMs: number;
  /**
   * At most this long warming the fresh two-planner stack up before its peak level (which
   * runs `levelMs`). The warm-up runs as many builds as the one-planner stack had settled
   * before its peak level (two-planners.ts), at the peak's builds in flight; this caps it.
   */
  twoPlannersWarmupMaxMs: number;
  scaleSizes: number[];
  /**
   * Builds (two resources each) submitted one at a time at each size, with a pause after
   * each; the full mode's round spans the planner's 30 s resync interval.
   */
  scaleRound: { builds: number; pauseMs: number };
}

/** The pause between the unloaded level's builds, and between the paced raw step's inputs. */
export const UNLOADED_PAUSE_MS = 300;

export const MODES: Record<Mode['name'], Mode> = {
  quick: {
    name: 'quick',
    rawConcurrency: [1, 16, 128],
    rawMs: 800,
    warmup: { builds: 150, maxMs: 6_000 },
    unloadedBuilds: 10,
    levels: [1, 8],
    levelMs: 4_000,
    maxBuildsPerLevel: 2_000,
    halfPeakMs: 4_000,
    twoPlannersWarmupMaxMs: 30_000,
    scaleSizes: [1_000, 10_000],
    scaleRound: { builds: 3, pauseMs: 300 },
  },
  full: {
    name: 'full',
    rawConcurrency: [1, 16, 128],
    rawMs: 3_000,
    warmup: { builds: 750, maxMs: 30_000 },
    unloadedBuilds: 30,
    levels: [1, 2, 4, 8, 16, 32, 64],
    levelMs: 12_000,
    maxBuildsPerLevel: 20_000,
    halfPeakMs: 60_000,
    twoPlannersWarmupMaxMs: 120_000,
    scaleSizes: [1_000, 100_000],
    scaleRound: { builds: 36, pauseMs: 1_000 },
  },
};
