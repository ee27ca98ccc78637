/**
 * What a resource costs at the peak, judged against the issue's targets: etcd's requests
 * and fsyncs per resource, and the CPU of every measured process (the machine's total
 * left out), with the CPU also in raw steps' worth.
 */
import { describe, expect, it } from 'vitest';
import type { LevelResult } from '../chain/levels.js';
import type { EtcdCounts } from '../etcd-metrics.js';
import { MACHINE } from '../proc-stats.js';
import { peakCostVerdicts } from './targets.js';
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
