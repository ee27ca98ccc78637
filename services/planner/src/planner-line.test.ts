/**
 * Who runs beside whom in the planner (planner-line.ts): changes and results of different
 * resources overlap; a change waits for its own resource's result and change before it;
 * work that runs alone waits for every running handler and holds back the ones that
 * arrive after it; a change that asks to run alone runs again so. Each step is released
 * by hand, so nothing depends on timing.
 */
import { describe, expect, it } from 'vitest';
import type { OwnedStore } from '@esi/store';
import { createLogger, metricsRegistry } from '@esi/telemetry';
import type { MetaWrites } from './meta-writes.js';
import { PendingJobs } from './pending-jobs.js';
import { NeedsAlone, PlannerLine } from './planner-line.js';

/** Never used: no handler here fails, so nothing is reloaded from etcd. */
const line = () => new PlannerLine({ store: {} as OwnedStore, pending: new PendingJobs(), metaWrites: {} as MetaWrites, log: createLogger('planner', 'silent') });

/** A handler that records when it starts and ends only when released. */
function step(name: string, log: string[]) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return {
    fn: async () => {
      log.push(`${name}+`);
      await gate;
      log.push(`${name}-`);
    },
    release,
  };
}

const settle = () => new Promise((r) => setImmediate(r));

/** esi_planner_replans_total for one reason, as /metrics would show it. */
async function replans(reason: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('esi_planner_replans_total')?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('PlannerLine', () => {
  it('runs results of different resources side by side, and beside a change of another resource', async () => {
    const l = line();
    const log: string[] = [];
    const [a, b, c] = [step('result a', log), step('result b', log), step('change c', log)];
    const all = [l.result('a', a.fn), l.result('b', b.fn), l.change('c', c.fn)];
    await settle();
    expect(log).toEqual(['result a+', 'result b+', 'change c+']);
    [a, b, c].forEach((s) => s.release());
    await Promise.all(all);
  });

  it('a change waits for a result of its own resource and for its change before; changes of others run beside it', async () => {
    const l = line();
    const log: string[] = [];
    const [r, c1, c2, c3] = [step('result x', log), step('change x', log), step('change x v2', log), step('change y', log)];
    const all = [l.result('x', r.fn), l.change('x', c1.fn), l.change('x', c2.fn), l.change('y', c3.fn)];
    await settle();
    expect(log).toEqual(['result x+', 'change y+']);
    r.release();
    await settle();
    expect(log).toEqual(['result x+', 'change y+', 'result x-', 'change x+']);
    c1.release();
    await settle();
    expect(log.at(-1)).toBe('change x v2+');
    [c2, c3].forEach((s) => s.release());
    await Promise.all(all);
  });

  it('a change runs beside others; one that asks to run alone runs again so, once every running handler has ended, and is counted', async () => {
    const l = line();
    const countedBefore = await replans('runs_alone');
    const log: string[] = [];
    const other = step('result b', log);
    const turns: boolean[] = [];
    const running = l.result('b', other.fn);
    const change = l.change('a', async (beside) => {
      turns.push(beside);
      if (beside) throw new NeedsAlone('a referenced resource was never planned');
      log.push('change a alone');
      return 'done';
    });
    await settle();
    expect(turns).toEqual([true]);
    expect(log).toEqual(['result b+']);
    other.release();
    expect(await change).toBe('done');
    expect(turns).toEqual([true, false]);
    expect(await replans('runs_alone')).toBe(countedBefore + 1);
    expect(log).toEqual(['result b+', 'result b-', 'change a alone']);
    await running;
  });

  it('work that runs alone waits for every running handler, and the ones after it wait for it', async () => {
    const l = line();
    const log: string[] = [];
    const [r1, alone, r2] = [step('result a', log), step('alone', log), step('result b', log)];
    const all = [l.result('a', r1.fn), l.alone(alone.fn)];
    await settle();
    all.push(l.result('b', r2.fn));
    await settle();
    expect(log).toEqual(['result a+']);
    r1.release();
    await settle();
    expect(log).toEqual(['result a+', 'result a-', 'alone+']);
    alone.release();
    await settle();
    expect(log).toEqual(['result a+', 'result a-', 'alone+', 'alone-', 'result b+']);
    r2.release();
    await Promise.all(all);
  });
});
