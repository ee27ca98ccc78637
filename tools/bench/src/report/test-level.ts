/**
 * A chain level as the report's tests need one: its resources, seconds and CPU seconds
 * per process; the rest plain defaults unless given. Test support only.
 */
import type { LevelResult } from '../chain/levels.js';
import { summarize } from '../stats.js';

export interface TestLevel extends Partial<Omit<LevelResult, 'procs'>> {
  resources: number;
  /** CPU seconds per process over the level. */
  cpuSeconds: Record<string, number>;
}

export function testLevel({ resources, cpuSeconds, ...over }: TestLevel): LevelResult {
  const concurrency = over.concurrency ?? 8;
  const seconds = over.seconds ?? 10;
  return {
    label: `closed, ${concurrency} build(s) in flight`,
    concurrency,
    resources,
    failures: 0,
    seconds,
    throughput: resources / seconds,
    latency: summarize([100, 200]),
    latencyByType: {},
    stages: {},
    etcdPerResource: { range: 0, put: 0, delete: 0, txn: 0, fsync: 0 },
    ...over,
    procs: Object.fromEntries(Object.entries(cpuSeconds).map(([n, s]) => [n, { cpuSeconds: s, cpuPct: (100 * s) / seconds, peakRssMb: 100, rssMb: 100 }])),
  };
}
