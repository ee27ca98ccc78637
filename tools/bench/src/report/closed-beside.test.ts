/** The closed level set beside the half-peak's tail in the report (bounds.ts). */
import { describe, expect, it } from 'vitest';
import { MACHINE } from '../proc-stats.js';
import { summarize } from '../stats.js';
import { closedBeside } from './bounds.js';
import { testLevel } from './test-level.js';

const half = { ...testLevel({ resources: 1250, seconds: 10, cpuSeconds: { [MACHINE]: 17.5, planner: 3 } }), concurrency: undefined, latency: summarize(Array.from({ length: 100 }, (_, i) => (i < 98 ? 50 : 250))) };

describe('the closed level beside the half-peak', () => {
  it('picks the closed level nearest in throughput and sets its p99 and CPU beside the open level', () => {
    const levels = [
      testLevel({ concurrency: 2, resources: 950, seconds: 10, cpuSeconds: { planner: 2 }, latency: summarize([60, 65]) }),
      testLevel({ concurrency: 4, resources: 1230, seconds: 10, cpuSeconds: { [MACHINE]: 17.4, planner: 2.5 }, latency: summarize([80, 92]) }),
      testLevel({ concurrency: 8, resources: 1700, seconds: 10, cpuSeconds: { planner: 3 }, latency: summarize([120, 138]) }),
    ];
    const text = closedBeside(half, levels);
    expect(text).toContain('4 build(s) in flight');
    expect(text).toContain('123.0 resources/s against 125.0');
    expect(text).toContain(`its p99 was 92 ms against ${half.latency.p99.toFixed(0)}`);
    expect(text).toContain('2.0 ms of CPU per resource against 2.4');
    expect(text).toContain('the machine 174 % busy against 175 %');
    expect(text).not.toContain('the queue');
  });

  it('names the arrivals\' queue as the difference only when the two cost alike on an equally busy machine', () => {
    const alike = testLevel({ concurrency: 4, resources: 1230, seconds: 10, cpuSeconds: { [MACHINE]: 17.4, planner: 2.9 }, latency: summarize([80, 92]) });
    expect(closedBeside(half, [alike])).toContain('so the rest of the tail is the queue');
    const idler = testLevel({ concurrency: 4, resources: 1230, seconds: 10, cpuSeconds: { [MACHINE]: 12, planner: 2.9 }, latency: summarize([80, 92]) });
    expect(closedBeside(half, [idler])).not.toContain('the queue');
  });

  it('says nothing when no closed level came within 15 % of its throughput', () => {
    const levels = [testLevel({ concurrency: 8, resources: 1700, seconds: 10, cpuSeconds: { planner: 3 } })];
    expect(closedBeside(half, levels)).toBe('');
  });
});
