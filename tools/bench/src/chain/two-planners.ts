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
const WARMUP_BUILDS_IN_FLIGHT = 4;
const HELD_TIMEOUT_MS = 60_000;

export interface TwoPlannersResult {
  partitions: number;
  /** Partitions each planner held when the level started, from its last "partition planning started" line. */
  held: Record<string, number[]>;
  /** From the second planner's start to both planning their partitions. */
  heldAfterMs?: number;
  warmupSeconds: number;
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

/** Warms the fresh stack up, then runs the peak level's closed load on it. */
export async function runTwoPlannerLevel(chain: ChainDeps, concurrency: number, warmupMs: number, levelMs: number, maxBuilds: number): Promise<LevelResult> {
  await runClosedLevel(chain, WARMUP_BUILDS_IN_FLIGHT, warmupMs, maxBuilds);
  const level = await runClosedLevel(chain, concurrency, levelMs, maxBuilds);
  return { ...level, label: `${level.label}, two planners` };
}
