/** How long and how large each phase runs: quick (under two minutes, for the docs) or full. */
export interface Mode {
  name: 'quick' | 'full';
  rawConcurrency: number[];
  rawMs: number;
  warmupBuilds: number;
  /** Builds in flight at each closed level. */
  levels: number[];
  levelMs: number;
  maxBuildsPerLevel: number;
  halfPeakMs: number;
  scaleSizes: number[];
  /** Builds (two resources each) submitted one at a time at each size. */
  scaleChanges: number;
}

export const MODES: Record<Mode['name'], Mode> = {
  quick: {
    name: 'quick',
    rawConcurrency: [1, 16, 128],
    rawMs: 800,
    warmupBuilds: 2,
    levels: [1, 8],
    levelMs: 4_000,
    maxBuildsPerLevel: 2_000,
    halfPeakMs: 4_000,
    scaleSizes: [1_000, 10_000],
    scaleChanges: 3,
  },
  full: {
    name: 'full',
    rawConcurrency: [1, 16, 128],
    rawMs: 3_000,
    warmupBuilds: 4,
    levels: [1, 2, 4, 8, 16, 32, 64],
    levelMs: 12_000,
    maxBuildsPerLevel: 20_000,
    halfPeakMs: 20_000,
    scaleSizes: [1_000, 100_000],
    scaleChanges: 20,
  },
};
