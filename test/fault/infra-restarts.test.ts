/**
 * Infrastructure restarts: nats-server and etcd are killed and started again (same
 * ports, same data) while ≥300 resources are built. Services reconnect (or are restarted
 * by the supervisor when they give up); the outcome is the same as without faults.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '@esi/local-stack';
import { faultBuild } from '../support/fault-build.js';
import { FAST_RECOVERY_ENV, runFaultScenario } from '../support/fault-run.js';

let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
});

describe('infrastructure restarts', () => {
  it('nats-server and etcd restarted during a run: nothing lost, nothing doubled', async () => {
    stack = await startStack({ supervise: true, deviceSimulator: false, env: FAST_RECOVERY_ENV });
    const s = stack;
    const build = faultBuild(38);
    const blows: string[] = [];
    const figures = await runFaultScenario(s, build, async () => {
      let last = Date.now();
      for (const which of ['nats', 'etcd', 'nats', 'etcd'] as const) {
        await new Promise((res) => setTimeout(res, 2500 + Math.random() * 1500));
        await s.restartInfra(which);
        blows.push(which);
        last = Date.now();
      }
      return last;
    });
    console.log(`infra-restarts figures: ${JSON.stringify({ ...figures, restarts: blows, supervisorRestarts: s.supervisorRestarts() })}`);

    expect(blows).toEqual(['nats', 'etcd', 'nats', 'etcd']);
    expect(figures.lost).toEqual([]);
    expect(figures.duplicateStacks).toBe(0);
    expect(figures.plannedTwice).toBe(0);
    expect(figures.stacks).toBe(build.length);
  }, 300_000);
});
