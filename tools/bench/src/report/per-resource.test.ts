/**
 * The cost curve: CPU per resource of the chain with one build in flight against its
 * peak, beside the raw step's CPU one at a time against its best concurrency.
 */
import { describe, expect, it } from 'vitest';
import type { LevelResult } from '../chain/levels.js';
import { MACHINE } from '../proc-stats.js';
import type { RawLimits } from '../raw/raw-limits.js';
import type { RateResult } from '../raw/rate-result.js';
import { summarize } from '../stats.js';
import { costCurve } from './per-resource.js';
import { testLevel } from './test-level.js';

const level = (concurrency: number, resources: number, cpuSeconds: Record<string, number>): LevelResult => testLevel({ concurrency, resources, cpuSeconds });

const step = (concurrency: number, perSecond: number, machineCpuMsPerOp?: number): RateResult => ({
  concurrency,
  ops: perSecond,
  seconds: 1,
  perSecond,
  latency: summarize([1]),
  ...(machineCpuMsPerOp === undefined ? {} : { machineCpuMsPerOp }),
});

describe('cost curve', () => {
  const levels = [
    // 100 resources, 4 s of CPU in the processes: 40 ms each; the machine's total is not a process.
    level(1, 100, { planner: 3, etcd: 1, [MACHINE]: 9 }),
    // the peak (most resources per second): 1000 resources, 10 s: 10 ms each.
    level(32, 1000, { planner: 6, etcd: 4 }),
    level(64, 900, { planner: 9, etcd: 9 }),
  ];

  it('sets the chain at one build in flight against its peak beside the raw step one at a time against its best', () => {
    const raw: RawLimits = { etcdTxn: [], jetStreamPublish: [], pipelineStep: [step(1, 500, 2), step(16, 2000, 0.8), step(128, 4000, 0.4)] };
    const c = costCurve(levels, raw)!;
    expect(c.chain).toMatchObject({ oneMs: 40, peakMs: 10, ratio: 4, peakLabel: 'closed, 32 build(s) in flight' });
    expect(c.raw).toMatchObject({ oneMs: 2, peakMs: 0.4, ratio: 5, peakConcurrency: 128 });
  });

  it('says nothing when the raw step’s CPU was not measured or no level had one build in flight', () => {
    expect(costCurve(levels, { etcdTxn: [], jetStreamPublish: [], pipelineStep: [step(1, 500), step(128, 4000)] })).toBeUndefined();
    const raw: RawLimits = { etcdTxn: [], jetStreamPublish: [], pipelineStep: [step(1, 500, 2), step(128, 4000, 0.4)] };
    expect(costCurve(levels.slice(1), raw)).toBeUndefined();
  });
});
