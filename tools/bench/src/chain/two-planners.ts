/**
 * The peak level again with two active planners sharing the work by partition: the
 * stack's planner with ESI_PLANNER_PARTITIONS=2 and ESI_PLANNER_PREFERRED=0, one more
 * planner (a replica, reported as planner-2; its log is logs/planner-1.log) with
 * ESI_PLANNER_PREFERRED=1. The level runs once each has logged "partition planning
 * started" holding its own partition. Reported beside the one-planner peak, not a target.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchStack } from '../bench-stack.js';
import { runClosedLevel, type ChainDeps, type LevelResult } from './levels.js';

export const PARTITIONS = 2;
export const SECOND_PLANNER = 'planner-2';
const HELD_TIMEOUT_MS = 60_000;

export interface TwoPlannersResult {
  partitions: number;
  /** Partitions each planner held when the level started, from its last "partition planning started" line. */
  held: Record<string, number[]>;
  /** From the second planner's start to both planning their partitions. */
  heldAfterMs?: number;
  /** How long the warm-up ran (older result files: the setting, at 4 builds in flight). */
  warmupSeconds: number;
  /**
   * Builds the warm-up settled, and the one-planner stack's builds before its peak level
   * that it aimed for, at `warmupInFlight` builds in flight (absent in older result files).
   */
  warmupBuilds?: number;
  warmupBuildsWanted?: number;
  warmupInFlight?: number;
  /** The closed level run: the one-planner peak level's builds in flight and seconds. */
  level?: LevelResult;
  /** Why it was not measured (the stack or the partitions did not come up). */
  error?: string;
}

/** The first planner's environment (the stack's serviceEnv); the second gets the same with partition 1 preferred. */
export const firstPlannerEnv = (): Record<string, string> => ({ ESI_PLANNER_PARTITIONS: String(PARTITIONS), ESI_PLANNER_PREFERRED: '0' });

/** Log files of the two planners, under the stack's data dir (startReplica names the second planner-1). */
const plannerLogs = (b: BenchStack): Record<string, string> => ({
  planner: join(b.dataDir, 'logs', 'planner.log'),
  [SECOND_PLANNER]: join(b.dataDir, 'logs', 'planner-1.log'),
});

/** The partitions of a planner's last "partition planning started" line, or undefined before it has one. */
export function heldFromLog(text: string): number[] | undefined {
  let held: number[] | undefined;
  for (const line of text.split('\n')) {
    if (!line.includes('"msg":"partition planning started"')) continue;
    try {
      const parsed = (JSON.parse(line) as { held?: unknown }).held;
      if (Array.isArray(parsed)) held = parsed.map(Number);
    } catch {
      // A line cut by a write in progress: the next poll reads it whole.
    }
  }
  return held;
}

const readHeld = (file: string): number[] | undefined => {
  try {
    return heldFromLog(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};

/**
 * Starts the second planner and waits until each planner plans one partition of its
 * own (planner 0, planner-2 1); throws, saying what each held, when that does not
 * happen in time (e.g. the first took partition 1 too, as a standby, before the second
 * campaigned).
 */
export async function startSecondPlanner(b: BenchStack): Promise<{ held: Record<string, number[]>; heldAfterMs: number }> {
  const t0 = performance.now();
  await b.startReplica('planner', SECOND_PLANNER, { ESI_PLANNER_PARTITIONS: String(PARTITIONS), ESI_PLANNER_PREFERRED: '1' });
  const logs = plannerLogs(b);
  const deadline = Date.now() + HELD_TIMEOUT_MS;
  for (;;) {
    const held = Object.fromEntries(Object.entries(logs).flatMap(([name, file]) => {
      const h = readHeld(file);
      return h ? [[name, h]] : [];
    }));
    const first = held.planner;
    const second = held[SECOND_PLANNER];
    if (first && second && first.length === 1 && second.length === 1 && first[0] !== second[0]) return { held, heldAfterMs: performance.now() - t0 };
    if (Date.now() > deadline) {
      const said = Object.keys(logs).map((n) => `${n} ${held[n] ? `held [${held[n].join(', ')}]` : 'logged no "partition planning started"'}`);
      throw new Error(`the two planners did not each hold one partition within ${HELD_TIMEOUT_MS / 1000} s: ${said.join('; ')} (logs in ${join(b.dataDir, 'logs')})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Warms the fresh stack up with as many builds as the one-planner stack had settled
 * before its peak level (`warmup.builds`, at the peak's builds in flight, at most
 * `warmup.maxMs`), then runs the peak level's closed load on it. A shorter warm-up
 * compares cold services with warm ones: with 6 s at 4 builds in flight, every process
 * of the fresh stack cost 1.5-2 times its one-planner figure per resource; warmed for
 * 40 s, two planners matched one planner's throughput (quick runs, 2026-12-06).
 */
export async function runTwoPlannerLevel(
  chain: ChainDeps,
  concurrency: number,
  warmup: { builds: number; maxMs: number },
  levelMs: number,
  maxBuilds: number,
): Promise<{ level: LevelResult; warmup: LevelResult }> {
  const warm = await runClosedLevel(chain, concurrency, warmup.maxMs, warmup.builds);
  const level = await runClosedLevel(chain, concurrency, levelMs, maxBuilds);
  return { level: { ...level, label: `${level.label}, two planners` }, warmup: warm };
}
