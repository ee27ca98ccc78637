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
import { bestPipelineStep, costCurve, serviceBudget, stepsBesidePeak } from './per-resource.js';
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

describe('service budget', () => {
  const raw: RawLimits = { etcdTxn: [], jetStreamPublish: [], pipelineStep: [step(1, 500, 2), step(128, 4000, 0.4)] };
  const services = ['planner', 'api'];

  it('gives the services what the cores leave at half the limit after the servers and the driver', () => {
    // Limit 4000 / 8 = 500 resources/s; half of it on 2 cores leaves 2000 / 250 = 8 ms a resource.
    // At the peak: 1000 resources, servers 3 s (3 ms each), services 9 s (9 ms each).
    const peak = testLevel({ resources: 1000, cpuSeconds: { planner: 6, api: 3, etcd: 2, 'nats-server': 0.5, 'bench driver': 0.5, [MACHINE]: 20 } });
    expect(serviceBudget(peak, raw, 2, 8, services)).toEqual({ allowedMs: 8, othersMs: 3, servicesAllowedMs: 5, servicesMs: 9 });
  });

  it('goes below zero when the servers alone spend more than the target allows', () => {
    const peak = testLevel({ resources: 100, cpuSeconds: { planner: 0.1, etcd: 0.9 } });
    expect(serviceBudget(peak, raw, 2, 8, services).servicesAllowedMs).toBeCloseTo(8 - 9);
  });
});

describe('the best pipeline step', () => {
  const before: RawLimits = { etcdTxn: [], jetStreamPublish: [], pipelineStep: [step(1, 500, 2), step(128, 3000, 0.6)] };

  it('takes the measurement after the chain when it was faster (the machine drifts within a run)', () => {
    const after = step(128, 3600, 0.5);
    expect(bestPipelineStep({ ...before, pipelineStepAfter: after })).toBe(after);
  });

  it('keeps the measurement before the chain when the one after was slower', () => {
    const best = bestPipelineStep({ ...before, pipelineStepAfter: step(128, 2500, 0.7) });
    expect(best.perSecond).toBe(3000);
    expect(best.machineCpuMsPerOp).toBe(0.6);
  });
});

describe('the limit beside the peak level', () => {
  const raw: RawLimits = { etcdTxn: [], jetStreamPublish: [], pipelineStep: [step(1, 500, 2), step(128, 5000, 0.3)] };
  // Throughput = resources / 10 s: the 32 level is the peak.
  const levels = [
    testLevel({ concurrency: 16, resources: 900, cpuSeconds: {}, rawStepAfter: step(128, 4000, 0.4) }),
    testLevel({ concurrency: 32, resources: 1000, cpuSeconds: {}, rawStepAfter: step(128, 2500, 0.7) }),
    testLevel({ concurrency: 64, resources: 950, cpuSeconds: {}, rawStepAfter: step(128, 2400, 0.7) }),
  ];

  it('takes the steps measured right before and right after the peak level, not the raw phase far earlier', () => {
    const beside = stepsBesidePeak(raw, levels)!;
    expect(beside.level).toBe('closed, 32 build(s) in flight');
    expect(beside.before.perSecond).toBe(4000);
    expect(beside.after.perSecond).toBe(2500);
    // The faster of the two is the limit: the raw phase's 5,000/s no longer counts.
    expect(bestPipelineStep({ ...raw, besidePeak: beside }).perSecond).toBe(4000);
  });

  it('uses the raw phase as "before" when the peak is the first level', () => {
    const first = [testLevel({ concurrency: 8, resources: 2000, cpuSeconds: {}, rawStepAfter: step(128, 3000, 0.5) }), ...levels];
    const beside = stepsBesidePeak(raw, first)!;
    expect(beside.before.perSecond).toBe(5000);
    expect(bestPipelineStep({ ...raw, besidePeak: beside }).perSecond).toBe(5000);
  });

  it('is absent when the levels carry no raw step (older result files keep their rule)', () => {
    const bare = levels.map(({ rawStepAfter: _unused, ...l }) => l);
    expect(stepsBesidePeak(raw, bare)).toBeUndefined();
    expect(bestPipelineStep(raw).perSecond).toBe(5000);
  });
});
