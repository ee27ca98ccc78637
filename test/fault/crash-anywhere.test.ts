/**
 * Crash anywhere: while ≥300 interdependent resources are submitted and built, each of
 * the five services is SIGKILLed several times at random moments (the supervisor
 * restarts them). Afterwards every resource is CREATE_COMPLETED, no stack was created
 * twice, no change was planned twice, nothing was lost, nothing needed a hand.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES, type ServiceName } from '@esi/contracts';
import { startStack, type Stack } from '@esi/local-stack';
import { faultBuild } from '../support/fault-build.js';
import { FAST_RECOVERY_ENV, runFaultScenario } from '../support/fault-run.js';

const KILLS_PER_SERVICE = 3;
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
});

describe('crash anywhere', () => {
  it('converges to the right end state with nothing lost and nothing doubled', async () => {
    stack = await startStack({ supervise: true, deviceSimulator: false, env: FAST_RECOVERY_ENV });
    const s = stack;
    const build = faultBuild(38); // 8 resources a group: 304
    const kills = new Map<ServiceName, number>(SERVICE_NAMES.map((n) => [n, 0]));

    const figures = await runFaultScenario(s, build, async (submitting) => {
      let last = Date.now();
      while (submitting() || [...kills.values()].some((k) => k < KILLS_PER_SERVICE)) {
        await new Promise((res) => setTimeout(res, 700 + Math.random() * 900));
        const candidates = SERVICE_NAMES.filter((n) => kills.get(n)! <= KILLS_PER_SERVICE);
        const name = candidates[Math.floor(Math.random() * candidates.length)]!;
        const proc = s.services.get(name)?.process.proc;
        if (!proc || proc.exitCode !== null || proc.signalCode !== null) continue;
        proc.kill('SIGKILL');
        kills.set(name, kills.get(name)! + 1);
        last = Date.now();
      }
      return last;
    });
    console.log(`crash-anywhere figures: ${JSON.stringify({ ...figures, kills: Object.fromEntries(kills), supervisorRestarts: s.supervisorRestarts() })}`);

    expect(build.length).toBeGreaterThanOrEqual(300);
    for (const n of SERVICE_NAMES) expect(kills.get(n), n).toBeGreaterThanOrEqual(KILLS_PER_SERVICE);
    expect(figures.lost).toEqual([]);
    expect(figures.duplicateStacks).toBe(0);
    expect(figures.plannedTwice).toBe(0);
    expect(figures.stacks, 'every resource has exactly one stack').toBe(build.length);
  }, 300_000);
});
