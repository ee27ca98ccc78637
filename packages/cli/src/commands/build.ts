/**
 * build: submits a build file (packages/catalog/examples format: create requests in
 * order, "$ref:" naming earlier ones) and, with --wait, follows every resource it
 * created until each has settled.
 */
import { resolveRefs, type BuildRequest, type CreatedResource } from '@esi/catalog';
import { createResource, watchResources, type WatchHandle } from '@esi/client';
import { api } from '@esi/contracts';
import { intOption, need, UsageError, type CommandSpec } from '../args.js';
import type { Ctx } from '../context.js';
import { failureIn, reportFailures, type Failure } from '../failed.js';
import { parseJson } from '../format.js';
import { readDocument } from '../read-input.js';
import { eventLine } from './watch.js';

export const buildSpec: CommandSpec = { options: { wait: 'boolean', 'wait-timeout': 'string' }, maxArgs: 1 };

/** 0 when every resource was created (and, with --wait, settled without failing); else 1. */
export async function build(ctx: Ctx): Promise<number> {
  const file = need(ctx.args, 1, 'build file');
  const doc = await readDocument(ctx.io, file, 'build file');
  if (!Array.isArray(doc)) throw new UsageError(`${file} must hold a list of {ref, type, body} requests`);
  const requests = doc as BuildRequest[];
  const wait = ctx.args.flags.has('wait');
  const waitMs = intOption(ctx.args, 'wait-timeout', 300_000);
  const started = Date.now();
  const created = new Map<string, CreatedResource>();
  const pending = new Map<string, { ref: string; type: string; version: number }>();
  const watches = new Map<string, WatchHandle>();
  const failures: Failure[] = [];
  let allSettled: () => void = () => undefined;
  let watchFailed: (err: Error) => void = () => undefined;
  // Resources settle while later ones are still being submitted: done only after the last.
  let submittedAll = false;
  const settledAll = new Promise<void>((resolve, reject) => {
    allSettled = resolve;
    watchFailed = reject;
  });
  // Until the wait starts nobody awaits it; a watch ending early must not go unhandled.
  settledAll.catch(() => undefined);

  // A fast change (one that runs no job) can settle, and its event arrive here, before
  // the create call's answer does: such events wait for their resource to be known.
  const early = new Map<string, api.WatchResourcesResponse[]>();
  const onEvent = (e: api.WatchResourcesResponse): void => {
    const p = pending.get(e.id);
    if (!p) {
      if (wait) early.set(e.id, [...(early.get(e.id) ?? []), e]);
      return;
    }
    const t = `+${((Date.now() - started) / 1000).toFixed(1)}s`;
    if (ctx.json) ctx.io.out(JSON.stringify({ t, ref: p.ref, ...(api.WatchResourcesResponse.toJSON(e) as object), value: parseJson(e.valueJson) ?? null }));
    else ctx.io.out(`${t} ${p.ref}: ${eventLine(e)}`);
    const v = parseJson(e.valueJson) as { version?: number } | undefined;
    if (e.kind === api.WatchEventKind.WATCH_EVENT_KIND_STATE && (v?.version ?? 0) >= p.version) {
      pending.delete(e.id);
      const failed = failureIn(p.type, e.id, v);
      if (failed) failures.push({ ...failed, ref: p.ref });
      if (submittedAll && pending.size === 0) allSettled();
    }
  };
  const watchType = (type: string): void => {
    if (!wait || watches.has(type)) return;
    const h = watchResources(ctx.client, { resourceType: type }, onEvent);
    // Without its watch the build cannot tell when (or whether) its resources settle.
    h.done.then(
      () => watchFailed(new Error(`the watch of ${type} ended before every resource settled`)),
      (err: Error) => watchFailed(err),
    );
    watches.set(type, h);
  };

  try {
    for (const r of requests) {
      if (!r || typeof r.type !== 'string' || typeof r.ref !== 'string') throw new UsageError(`${file}: every request needs "ref", "type" and "body"`);
      // Watch before creating, so not even a fast first state change is missed.
      watchType(r.type);
      const body = resolveRefs(r.body, (ref) => created.get(ref)) as Record<string, unknown>;
      const res = (
        await createResource(ctx.client, r.type, body, { timeoutMs: ctx.timeoutMs }).catch((err: unknown) => {
          // The api's error says what was wrong, not which request of the file it was.
          if (!ctx.json) ctx.io.err(`esictl: build stopped at ${r.type} ${r.ref}; the requests after it were not sent`);
          throw err;
        })
      ).resource!;
      created.set(r.ref, { id: res.id, body: JSON.parse(res.bodyJson) as Record<string, unknown> });
      if (wait) {
        pending.set(res.id, { ref: r.ref, type: r.type, version: res.version });
        for (const e of early.get(res.id) ?? []) onEvent(e);
        early.delete(res.id);
      }
      if (ctx.json) ctx.io.out(JSON.stringify({ created: { ref: r.ref, type: r.type, id: res.id, version: res.version } }));
      else ctx.io.out(`created ${r.type} ${r.ref} ${res.id}`);
    }
    if (!wait) return 0;
    submittedAll = true;
    if (pending.size === 0) allSettled();
    const timedOut = await Promise.race([settledAll.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), waitMs).unref())]);
    // In the file's order, whatever order they settled in.
    const order = (f: Failure): number => requests.findIndex((r) => r.ref === f.ref);
    if (failures.length > 0) reportFailures(ctx, failures.sort((a, b) => order(a) - order(b)), requests.length);
    if (timedOut) {
      ctx.io.err(`not settled after ${waitMs} ms: ${[...pending.values()].map((p) => p.ref).join(', ')} (try: esictl explain <type> <id>)`);
      return 1;
    }
    const took = `${((Date.now() - started) / 1000).toFixed(1)}s`;
    if (failures.length > 0) {
      if (!ctx.json) ctx.io.out(`all ${requests.length} resources settled in ${took}; ${failures.length} failed`);
      return 1;
    }
    if (!ctx.json) ctx.io.out(`all ${requests.length} resources settled in ${took}`);
    return 0;
  } finally {
    for (const h of watches.values()) h.cancel();
  }
}
