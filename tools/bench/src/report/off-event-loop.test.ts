/** The report's share of the services' CPU that ran off their event loops (bounds.ts). */
import { describe, expect, it } from 'vitest';
import { offTheEventLoop } from './bounds.js';
import { testLevel } from './test-level.js';

describe("the services' CPU off their event loops", () => {
  it('sums the services, leaves the servers out, and names each service largest first', () => {
    const l = testLevel({ resources: 100, cpuSeconds: { api: 1, planner: 3, etcd: 2 } });
    l.procs.api!.mainThreadCpuSeconds = 0.7; // 30 % off the loop
    l.procs.planner!.mainThreadCpuSeconds = 2.7; // 10 %
    l.procs.etcd!.mainThreadCpuSeconds = 0.1; // a Go server: not a service, left out
    const text = offTheEventLoop(l);
    // (4 - 3.4) / 4 = 15 %
    expect(text).toContain('15 % ran off their event loops');
    expect(text).toContain('api 30 %, planner 10 %');
    expect(text).not.toContain('etcd');
  });

  it('says nothing for result files without the split', () => {
    expect(offTheEventLoop(testLevel({ resources: 100, cpuSeconds: { api: 1 } }))).toBe('');
  });
});
