/**
 * The two-planner level: which partitions each planner held (from its log), and the
 * report's section beside the one-planner peak, with the second planner's CPU.
 */
import { describe, expect, it } from 'vitest';
import type { LevelResult } from '../chain/levels.js';
import { buildsBefore } from '../chain/chain-phase.js';
import { heldFromLog, type TwoPlannersResult } from '../chain/two-planners.js';
import { MACHINE } from '../proc-stats.js';
import { summarize } from '../stats.js';
import { testLevel } from './test-level.js';
import { parseReplans, replansPerItem } from '../planner-replans.js';
import { replansSentence, twoPlannersLines } from './two-planners.js';

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

  it('counts the builds the one-planner stack settled before a level: warm-up, unloaded, and the closed levels before it', () => {
    const closed = [level(170, 4, {}), level(348, 4, {}), level(500, 4, {})];
    const phase = { warmupBuilds: 150, unloaded: level(20, 6, {}), levels: closed };
    expect(buildsBefore(phase, closed[0]!)).toBe(150 + 10);
    expect(buildsBefore(phase, closed[2]!)).toBe(150 + 10 + 85 + 174);
  });

  it('renders the level beside the one-planner peak, with planner-2 in the CPU table', () => {
    const one = level(100, 4, { planner: 1.6, 'heat-worker': 1, [MACHINE]: 7.6 });
    const two = level(120, 4, { planner: 1, 'planner-2': 0.8, 'heat-worker': 1.2, [MACHINE]: 7.8 });
    const tp: TwoPlannersResult = { partitions: 2, held: { planner: [0], 'planner-2': [1] }, heldAfterMs: 3_200, warmupSeconds: 6, level: two };
    const md = twoPlannersLines(tp, one, 100, 2).join('\n');
    expect(md).toContain('## Two planners (2 partitions)');
    expect(md).toContain('planner held [0], planner-2 [1], 3.2 s after planner-2 was started) and after 6 s at 4 builds in flight.');
    expect(md).toContain('| one | 100 | 25.0 | 0.25 | 200 / 400 / 400 | 100 | 300 | 190 % | 125 % | 0 |');
    expect(md).toContain('| two (2 partitions) | 120 | 30.0 | 0.30 | 200 / 400 / 400 | 100 | 300 | 195 % | 120 % | 0 |');
    expect(md).toContain('| planners | api | planner | planner-2 | heat-worker |');
    expect(md).toContain('| two (2 partitions): % / MB | – | 25 % / 100 | 20 % / 100 | 30 % / 100 |');
    expect(md).toContain('| two (2 partitions): ms per resource | – | 8.3 | 6.7 | 10.0 |');
    expect(md).toContain('The planners together: 15.0 ms of CPU per resource (one planner: 16.0)');
  });

  it('says the warm-up matched the one-planner stack’s builds before its peak, or that it fell short', () => {
    const one = level(100, 4, { planner: 1.6 });
    const two = level(120, 4, { planner: 1, 'planner-2': 0.8 });
    const tp: TwoPlannersResult = { partitions: 2, held: { planner: [0], 'planner-2': [1] }, warmupSeconds: 52.4, warmupBuilds: 3_600, warmupBuildsWanted: 3_600, warmupInFlight: 64, level: two };
    expect(twoPlannersLines(tp, one, 100, 2).join('\n')).toContain(
      'after a warm-up of 3600 builds at 64 in flight (52 s), as many as the one-planner stack had settled before its peak level, so both',
    );
    const short = twoPlannersLines({ ...tp, warmupSeconds: 120, warmupBuilds: 2_900 }, one, 100, 2).join('\n');
    expect(short).toContain('a warm-up of 2900 builds at 64 in flight (120 s), fewer than the 3600 the one-planner stack had settled before its peak level');
  });

  it('counts the changes each planner planned again or put off, per resource, from its counter', () => {
    const text = (waits: number, conflicts: number) =>
      [
        '# TYPE esi_planner_replans_total counter',
        `esi_planner_replans_total{reason="waits_for_partition",service="planner"} ${waits}`,
        `esi_planner_replans_total{reason="partition_conflict",service="planner"} ${conflicts}`,
        'esi_etcd_requests_total{op="txn",family="/jobs/all",service="planner"} 7',
      ].join('\n');
    const before = parseReplans('planner', text(3, 1));
    const after = parseReplans('planner-2', text(0, 0), parseReplans('planner', text(13, 1)));
    after.set('planner-2 waits_for_partition', 5);
    const per = replansPerItem(before, after, 100);
    expect(per).toEqual({ planner: { waits_for_partition: 0.1 }, 'planner-2': { waits_for_partition: 0.05 } });
    expect(replansSentence(per, {})).toBe(
      "Changes planned again or put off, per resource (the planners' `esi_planner_replans_total`): planner: 0.10 a resource put off to wait for the other partition’s plan of a resource it references; planner-2: 0.050 a resource put off to wait for the other partition’s plan of a resource it references; with one planner: none.",
    );
  });

  it('says why when the level was not measured', () => {
    const tp: TwoPlannersResult = { partitions: 2, held: { planner: [0, 1] }, warmupSeconds: 6, error: 'the two planners did not each hold one partition' };
    const md = twoPlannersLines(tp, level(100, 4, {}), 100, 2).join('\n');
    expect(md).toContain('Not measured: the two planners did not each hold one partition.');
    expect(md).not.toContain('| two (2 partitions)');
  });
});
