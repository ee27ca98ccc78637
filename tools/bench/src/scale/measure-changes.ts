/**
 * The latency of a new change on a loaded system: builds submitted one at a time, each
 * waited for and followed by a pause, so a round can span the planner's periodic resync;
 * a build that fails or never settles is recorded, and two failures end the round (a
 * pipeline that stopped settling is reported, not waited for again and again).
 */
import type { ChainDeps } from '../chain/levels.js';
import { stageLatencies } from '../chain/stages.js';
import { runBuild, type Settled } from '../chain/submit.js';
import { ProcSampler } from '../proc-stats.js';
import { summarize, type Summary } from '../stats.js';

export interface ChangeRound {
  latency: Summary;
  byType: Record<string, Summary>;
  /** By stage (STAGES in chain/stages.ts), to tell which one grows with the resources present; absent in older results. */
  stages?: Record<string, Summary>;
  failures: string[];
  /**
   * CPU (% of one core) of each process, and of the whole machine, during the round: what
   * else ran beside the changes (a poller's cycles, a resync). Absent in older results.
   */
  cpuPct?: Record<string, number>;
}

export async function measureChanges(chain: ChainDeps, builds: number, pauseMs: number): Promise<ChangeRound> {
  const settled: Settled[] = [];
  const failures: string[] = [];
  const sampler = new ProcSampler(chain.pids);
  sampler.start();
  for (let i = 0; i < builds && failures.length < 2; i++) {
    try {
      settled.push(...(await runBuild(chain.client, chain.tap, chain.ctx, chain.nextBuild())));
    } catch (err) {
      failures.push((err as Error).message);
    }
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  const usage = sampler.stop();
  const types = [...new Set(settled.map((s) => s.type))];
  return {
    latency: summarize(settled.map((s) => s.latencyMs)),
    byType: Object.fromEntries(types.map((t) => [t, summarize(settled.filter((s) => s.type === t).map((s) => s.latencyMs))])),
    stages: await stageLatencies(chain.tap, settled),
    failures,
    cpuPct: Object.fromEntries([...usage].map(([name, u]) => [name, u.cpuPct])),
  };
}
