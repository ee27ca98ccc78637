/**
 * Figures of this run beside those of an earlier run (`--compare FILE`), e.g. the tree
 * before the hot-path changes: the same bench, the same machine, another tree.
 */
import { cpuMsPerResource, peakOf } from './per-resource.js';
import type { BenchResult } from './result.js';

export function comparisonLines(before: BenchResult, after: BenchResult): string[] {
  const rows: [string, (r: BenchResult) => number, number][] = [
    ['raw pipeline step, best /s', (r) => r.verdicts.stepPerSecond, 0],
    ['unloaded p50 ms', (r) => r.chain.unloaded.latency.p50, 0],
    ['unloaded p99 ms', (r) => r.chain.unloaded.latency.p99, 0],
    ['peak throughput, resources/s', (r) => peakOf(r.chain.levels).throughput, 1],
    ['p50 ms at 8 builds in flight', (r) => r.chain.levels.find((l) => l.concurrency === 8)?.latency.p50 ?? Number.NaN, 0],
    ['p99 ms at 8 builds in flight', (r) => r.chain.levels.find((l) => l.concurrency === 8)?.latency.p99 ?? Number.NaN, 0],
    ['p50 ms at 64 builds in flight', (r) => r.chain.levels.find((l) => l.concurrency === 64)?.latency.p50 ?? Number.NaN, 0],
    ['p99 ms at half the peak', (r) => r.chain.halfPeak.latency.p99, 0],
    ['CPU ms per resource at the peak (all processes)', (r) => cpuMsPerResource(peakOf(r.chain.levels)), 1],
    ['etcd requests per resource (etcd\'s unary gRPC calls)', (r) => r.chain.etcdPerResource.requests ?? Number.NaN, 1],
    ['etcd reads + puts + deletes per resource', (r) => r.chain.etcdPerResource.range + r.chain.etcdPerResource.put + r.chain.etcdPerResource.delete, 1],
    ['etcd WAL fsyncs per resource', (r) => r.chain.etcdPerResource.fsync, 1],
  ];
  const fmt = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : '–');
  return [
    `### Compared with ${before.date} ${before.mode}${before.settings.label ? ` (${before.settings.label})` : ''}`,
    '',
    '| figure | before | this run |',
    '| --- | ---: | ---: |',
    ...rows.map(([name, get, d]) => `| ${name} | ${fmt(get(before), d)} | ${fmt(get(after), d)} |`),
  ];
}
