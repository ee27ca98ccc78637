/**
 * The two-planner level: which partitions each planner held (from its log), and the
 * report's section beside the one-planner peak, with the second planner's CPU.
 */
import { describe, expect, it } from 'vitest';
import type { LevelResult } from '../chain/levels.js';
import { heldFromLog, type TwoPlannersResult } from '../chain/two-planners.js';
import { MACHINE } from '../proc-stats.js';
import { summarize } from '../stats.js';
import { testLevel } from './test-level.js';
import { twoPlannersLines } from './two-planners.js';

const level = (resources: number, seconds: number, procs: Record<string, number>, failures = 0): LevelResult =>
  testLevel({
    resources,
    seconds,
    cpuSeconds: procs,
    failures,
    latency: summarize([100, 200, 300, 400]),
    latencyByType: { port: summarize([100, 200]), ese_logical_port: summarize([300, 400]) },
  });

describe('two planners by partition', () => {
  it('reads the partitions a planner holds from its last "partition planning started" line', () => {
    const log = [
      '{"level":30,"msg":"ready"}',
      '{"level":30,"partition":0,"held":[0],"pending":0,"msg":"partition planning started"}',
      '{"level":30,"partition":1,"held":[0,1],"pending":3,"msg":"partition planning started"}',
      '{"level":30,"partition":1,"held":[0,1',
    ].join('\n');
    expect(heldFromLog(log)).toEqual([0, 1]);
    expect(heldFromLog('{"msg":"ready"}\n')).toBeUndefined();
  });

  it('renders the level beside the one-planner peak, with planner-2 in the CPU table', () => {
    const one = level(100, 4, { planner: 1.6, 'heat-worker': 1, [MACHINE]: 7.6 });
    const two = level(120, 4, { planner: 1, 'planner-2': 0.8, 'heat-worker': 1.2, [MACHINE]: 7.8 });
    const tp: TwoPlannersResult = { partitions: 2, held: { planner: [0], 'planner-2': [1] }, heldAfterMs: 3_200, warmupSeconds: 6, level: two };
    const md = twoPlannersLines(tp, one, 100, 2).join('\n');
    expect(md).toContain('## Two planners (2 partitions)');
    expect(md).toContain('planner held [0], planner-2 [1], 3.2 s after planner-2 was started');
    expect(md).toContain('| one | 100 | 25.0 | 0.25 | 200 / 400 / 400 | 100 | 300 | 190 % | 125 % | 0 |');
    expect(md).toContain('| two (2 partitions) | 120 | 30.0 | 0.30 | 200 / 400 / 400 | 100 | 300 | 195 % | 120 % | 0 |');
    expect(md).toContain('| planners | api | planner | planner-2 | heat-worker |');
    expect(md).toContain('| two (2 partitions): % / MB | – | 25 % / 100 | 20 % / 100 | 30 % / 100 |');
    expect(md).toContain('| two (2 partitions): ms per resource | – | 8.3 | 6.7 | 10.0 |');
    expect(md).toContain('The planners together: 15.0 ms of CPU per resource (one planner: 16.0)');
  });

  it('says why when the level was not measured', () => {
    const tp: TwoPlannersResult = { partitions: 2, held: { planner: [0, 1] }, warmupSeconds: 6, error: 'the two planners did not each hold one partition' };
    const md = twoPlannersLines(tp, level(100, 4, {}), 100, 2).join('\n');
    expect(md).toContain('Not measured: the two planners did not each hold one partition.');
    expect(md).not.toContain('| two (2 partitions)');
  });
});
