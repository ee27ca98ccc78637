/** Everything one run measured, as written to results/<date>.json. */
import type { LevelResult } from '../chain/levels.js';
import type { TwoPlannersResult } from '../chain/two-planners.js';
import type { EtcdCounts } from '../etcd-metrics.js';
import type { Concern } from '../profile-concerns.js';
import type { RawLimits } from '../raw/raw-limits.js';
import type { ScaleStep } from '../scale/scale-step.js';
import type { Verdicts } from './targets.js';

export interface BenchResult {
  date: string;
  mode: 'quick' | 'full';
  machine: { cores: number; cpu: string; memoryGb: number; node: string; natsServer: string; etcd: string; host: string };
  settings: Record<string, string | number>;
  raw: RawLimits;
  chain: {
    /** Builds settled in the warm-up before the unloaded level (absent in older result files). */
    warmupBuilds?: number;
    /** One build at a time on an idle system. */
    unloaded: LevelResult;
    levels: LevelResult[];
    /** The open-loop level run at half the peak throughput. */
    halfPeak: LevelResult;
    /** etcd operations per resource, from the highest closed level. */
    etcdPerResource: EtcdCounts;
  };
  /** The peak level again on a stack with two planners by partition (reported, not a target; absent in older result files). */
  twoPlanners?: TwoPlannersResult;
  scale: ScaleStep[];
  profile?: Record<
    string,
    {
      functions: { name: string; where: string; selfPct: number }[];
      packages: { pkg: string; pct: number }[];
      /** Share of the busy samples per concern (profile-concerns.ts; absent in older result files). */
      concerns?: Record<Concern, number>;
    }
  >;
  verdicts: Verdicts;
  durationSeconds: number;
}
