/**
 * What a resource costs at the peak, judged against the issue's targets: etcd's requests
 * and fsyncs per resource, and the CPU of every measured process (the machine's total
 * left out), with the CPU also in raw steps' worth.
 */
import { describe, expect, it } from 'vitest';
import type { LevelResult } from '../chain/levels.js';
import type { EtcdCounts } from '../etcd-metrics.js';
import { MACHINE } from '../proc-stats.js';
import type { ChangeRound } from '../scale/measure-changes.js';
import { changeLatencyVerdict, peakCostVerdicts } from './targets.js';
import { testLevel } from './test-level.js';

const level = (resources: number, cpuSeconds: Record<string, number>, etcd: EtcdCounts): LevelResult =>
  testLevel({ concurrency: 64, resources, cpuSeconds, etcdPerResource: etcd });

describe('targets of what a resource costs at the peak', () => {
  it('meets each one at or under its limit, and sums the CPU of the processes, not the machine', () => {
    // 1000 resources: 4 + 3 + 2 + 1 s = 10 ms each; the machine's own total (19 s) is not added.
    const peak = level(1000, { planner: 4, 'heat-worker': 3, etcd: 2, 'nats-server': 1, [MACHINE]: 19 }, { requests: 15, range: 17, put: 14, delete: 5, txn: 5, fsync: 5 });
    const [requests, fsyncs, cpu] = peakCostVerdicts(peak, 0.5);
    expect(requests).toMatchObject({ met: true, gap: undefined });
    expect(requests!.measured).toContain('15.0');
    expect(fsyncs).toMatchObject({ met: true, measured: '5.0 (the raw step makes 1)' });
    expect(cpu).toMatchObject({ met: true, measured: "10.0 ms = 20 raw steps' worth (one costs 0.50 ms)" });
  });

  it('says how far over each missed one is', () => {
    const peak = level(100, { planner: 1.5, etcd: 1.5 }, { requests: 30, range: 1, put: 1, delete: 0, txn: 1, fsync: 7.5 });
    const [requests, fsyncs, cpu] = peakCostVerdicts(peak, undefined);
    expect(requests).toMatchObject({ met: false, gap: '2.0× over' });
    expect(fsyncs).toMatchObject({ met: false, gap: '1.5× over' });
    expect(cpu).toMatchObject({ met: false, measured: '30.0 ms', gap: '3.0× over' });
  });

  it('leaves out the request target for a result written before etcd counted requests', () => {
    const peak = level(10, { planner: 0.05 }, { range: 1, put: 1, delete: 0, txn: 1, fsync: 1 });
    expect(peakCostVerdicts(peak, 1).map((v) => v.target)).toEqual(['etcd WAL fsyncs per resource ≤ 5 at the peak', 'CPU per resource ≤ 10 ms at the peak, all processes']);
  });
});

describe('the new-change latency at the larger size', () => {
  const round = (p50: number, failures: string[] = []): ChangeRound => ({ latency: { n: 36, p50, p95: p50, p99: p50, mean: p50, max: p50 }, byType: {}, failures });

  it('names the raw step\'s and etcd\'s own ratios beside the chain\'s, so a miss says what bounds it', () => {
    const v = changeLatencyVerdict('t', round(35), round(43), { stepP50: 1.17, etcdTxnP50: 0.83 }, { stepP50: 1.31, etcdTxnP50: 1.08 });
    expect(v).toMatchObject({ met: false, gap: '1.02× over the allowance' });
    expect(v.measured).toBe("p50 43 ms vs 35 ms = 1.23×; the raw step alone 1.31 ms vs 1.17 ms = 1.12×, etcd's compare-and-put alone 1.08 ms vs 0.83 ms = 1.30×");
  });

  it('meets it at 1.2× or less, and says when the changes failed', () => {
    expect(changeLatencyVerdict('t', round(50), round(51))).toMatchObject({ met: true, measured: 'p50 51 ms vs 50 ms = 1.02×' });
    expect(changeLatencyVerdict('t', round(50), round(51, ['timed out']))).toMatchObject({ met: false, gap: 'no change settles', measured: 'new changes failed: timed out' });
  });
});
