/**
 * The chain phase: warm the services up, measure one build at a time on an idle
 * system, then closed levels of rising load, then an open level at half the peak.
 */
import { UNLOADED_PAUSE_MS, type Mode } from '../modes.js';
import type { RateResult } from '../raw/rate-result.js';
import { runClosedLevel, runOpenLevel, runPacedLevel, type ChainDeps, type LevelResult } from './levels.js';

export interface ChainPhase {
  /** Builds settled in the warm-up. */
  warmupBuilds: number;
  unloaded: LevelResult;
  levels: LevelResult[];
  halfPeak: LevelResult;
}

export const WARMUP_BUILDS_IN_FLIGHT = 8;

/**
 * Builds the stack had settled when `level` began: the warm-up's, the unloaded level's
 * and those of every closed level before it. The services' code is only as warm as the
 * work it has run (V8 optimises a function after many calls), so a stack measured
 * beside this level should have run as many.
 */
export function buildsBefore(phase: Pick<ChainPhase, 'warmupBuilds' | 'unloaded' | 'levels'>, level: LevelResult): number {
  const at = phase.levels.indexOf(level);
  const before = at < 0 ? phase.levels : phase.levels.slice(0, at);
  return phase.warmupBuilds + Math.floor(phase.unloaded.resources / 2) + before.reduce((a, l) => a + Math.floor(l.resources / 2), 0);
}

/**
 * `rawStep` measures the raw pipeline step once; it runs after each closed level, so the
 * limit can be read beside the level that reached the peak (LevelResult.rawStepAfter).
 */
export async function runChainPhase(chain: ChainDeps, mode: Mode, say: (s: string) => void, rawStep?: () => Promise<RateResult>): Promise<ChainPhase> {
  // Load first, so the services' hot code is compiled and warm (modes.ts: warmup).
  const warmup = await runClosedLevel(chain, WARMUP_BUILDS_IN_FLIGHT, mode.warmup.maxMs, mode.warmup.builds);
  const warmupBuilds = Math.floor(warmup.resources / 2);
  say(`  warm-up: ${warmupBuilds} builds, ${WARMUP_BUILDS_IN_FLIGHT} in flight, in ${warmup.seconds.toFixed(1)} s`);
  const unloaded = await runPacedLevel(chain, mode.unloadedBuilds, UNLOADED_PAUSE_MS);
  say(`  ${unloaded.label}: p50 ${unloaded.latency.p50} ms, p99 ${unloaded.latency.p99} ms`);
  const levels: LevelResult[] = [];
  for (const c of mode.levels) {
    const l = await runClosedLevel(chain, c, mode.levelMs, mode.maxBuildsPerLevel);
    levels.push(l);
    say(`  ${l.label}: ${l.throughput.toFixed(1)} resources/s, p50 ${l.latency.p50} ms, p99 ${l.latency.p99} ms${l.failures ? `, ${l.failures} failed (${l.firstFailure})` : ''}`);
    if (rawStep) {
      l.rawStepAfter = await rawStep();
      say(`    raw pipeline step right after it, ${l.rawStepAfter.concurrency} at once: ${l.rawStepAfter.perSecond.toFixed(0)}/s`);
    }
  }
  const peak = levels.reduce((a, x) => (x.throughput > a.throughput ? x : a));
  const halfPeak = await runOpenLevel(chain, peak.throughput / 2, mode.halfPeakMs, mode.maxBuildsPerLevel);
  say(`  ${halfPeak.label}: ${halfPeak.throughput.toFixed(1)} resources/s, p50 ${halfPeak.latency.p50} ms, p99 ${halfPeak.latency.p99} ms`);
  return { warmupBuilds, unloaded, levels, halfPeak };
}
