/**
 * progress: the live job DAG of a resource until it settles. Explain is asked again on
 * every change the watch reports, and at least every --interval ms. It exits 1 when the
 * resource settled in a *_FAILED state, naming it and its error.
 */
import type { ServiceError } from '@grpc/grpc-js';
import { explainResource, watchResources } from '@esi/client';
import { intOption, need, type CommandSpec } from '../args.js';
import type { Ctx } from '../context.js';
import { DagTracker, settled } from '../dag-view.js';
import { failureIn, reportFailures, type Failure } from '../failed.js';
import { explainJson } from '../format.js';

export const progressSpec: CommandSpec = { options: { interval: 'string', once: 'boolean', follow: 'boolean' }, maxArgs: 2 };

export async function progress(ctx: Ctx): Promise<number> {
  const type = need(ctx.args, 1, 'resource type');
  const id = need(ctx.args, 2, 'resource id');
  const interval = intOption(ctx.args, 'interval', 500);
  const once = ctx.args.flags.has('once');
  const follow = ctx.args.flags.has('follow');
  const tracker = new DagTracker(Date.now());
  let drawn = 0;
  let stop = false;
  let wake: () => void = () => undefined;
  let lastKey = '';
  // The failure the last answer showed, if the resource had settled FAILED.
  let failure: Failure | undefined;
  const end = (): number => {
    if (!failure) return 0;
    reportFailures(ctx, [failure]);
    return 1;
  };
  const pause = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, interval);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  const watch = once ? undefined : watchResources(ctx.client, { resourceType: type, id }, () => wake());
  watch?.done.catch(() => undefined);
  const unhook = ctx.io.onInterrupt(() => {
    stop = true;
    wake();
  });
  try {
    for (;;) {
      let e;
      try {
        e = await explainResource(ctx.client, type, id, { timeoutMs: ctx.timeoutMs });
      } catch (err) {
        // The key goes once a deletion completed: that is the end of this resource's DAG.
        if ((err as ServiceError).code === 5 && drawn > 0) {
          ctx.io.out(ctx.json ? JSON.stringify({ removed: true }) : `${type} ${id} removed`);
          return 0;
        }
        throw err;
      }
      const now = Date.now();
      failure = settled(e) && e.resource ? failureIn(type, id, e.resource.stateJson) : undefined;
      const done = settled(e) && !follow;
      if (ctx.json) ctx.io.out(JSON.stringify({ at: new Date(now).toISOString(), settled: settled(e), ...(explainJson(e) as object), rows: tracker.rows(e, now) }));
      else {
        const lines = tracker.frame(e, now);
        // Off a terminal only changes are printed, not every tick of the clock.
        const key = `${e.summary}|${e.jobs.map((j) => `${j.id}:${j.status}:${j.waitsFor.map((w) => w.status).join(',')}`).join(';')}`;
        if (!ctx.io.tty && key === lastKey && !done) {
          await pause();
          if (stop) return end();
          continue;
        }
        lastKey = key;
        // On a terminal the frame is redrawn in place; otherwise each frame is appended.
        const clear = ctx.io.tty && drawn > 0 ? `\u001b[${drawn}A\u001b[0J` : '';
        ctx.io.out(`${clear}${lines.join('\n')}`);
        drawn = lines.length;
      }
      if (once || done || stop) return end();
      await pause();
      if (stop) return end();
    }
  } finally {
    unhook();
    watch?.cancel();
  }
}
