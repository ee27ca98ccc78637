/**
 * watch: the resource's (or type's) config, state and monitoring changes as they happen.
 * With --until STATE it ends at the first state event in STATE (exit 0), or at the first
 * one in a *_FAILED state instead (exit 1, naming the resource and its error); either
 * only for the newest config version seen.
 */
import { watchResources } from '@esi/client';
import { api } from '@esi/contracts';
import { intOption, need, type CommandSpec } from '../args.js';
import type { Ctx } from '../context.js';
import { failureIn, reportFailures, type Failure } from '../failed.js';
import { kindName, monitoringText, parseJson } from '../format.js';

export const watchSpec: CommandSpec = { options: { current: 'boolean', 'from-revision': 'string', until: 'string' }, maxArgs: 2 };

export async function watch(ctx: Ctx): Promise<number> {
  const resourceType = need(ctx.args, 1, 'resource type');
  const id = ctx.args.positional[2] ?? '';
  const fromRevision = intOption(ctx.args, 'from-revision', 0);
  const until = ctx.args.options.get('until');
  const includeCurrent = ctx.args.flags.has('current');
  let handle: ReturnType<typeof watchResources> | undefined;
  let last = 0;
  let failure: Failure | undefined;
  // The newest config version seen per resource: a failed state older than it (a
  // --current snapshot while a newer version runs) is not where that resource ends.
  const configVersions = new Map<string, number>();
  const stopOnSignal = ctx.io.onInterrupt(() => handle?.cancel());
  try {
    handle = watchResources(ctx.client, { resourceType, id, fromRevision, includeCurrent }, (e) => {
      last = e.revision;
      if (ctx.json) ctx.io.out(JSON.stringify({ ...(api.WatchResourcesResponse.toJSON(e) as object), value: parseJson(e.valueJson) ?? null }));
      else ctx.io.out(eventLine(e));
      if (!until || failure || e.deleted) return;
      if (e.kind === api.WatchEventKind.WATCH_EVENT_KIND_CONFIG) {
        const v = parseJson(e.valueJson) as { version?: number } | undefined;
        configVersions.set(e.id, Math.max(configVersions.get(e.id) ?? 0, v?.version ?? 0));
      }
      if (e.kind !== api.WatchEventKind.WATCH_EVENT_KIND_STATE) return;
      // A state of an older version than the newest config seen (a --current snapshot
      // taken while an update runs) is not the end, whichever state it names.
      const current = stateVersionOf(e.valueJson) >= (configVersions.get(e.id) ?? 0);
      if (stateOf(e.valueJson) === until && current) {
        handle?.cancel();
        return;
      }
      const failed = failureIn(e.resourceType, e.id, e.valueJson);
      if (failed && failed.version >= (configVersions.get(e.id) ?? 0)) {
        failure = failed;
        handle?.cancel();
      }
    });
    await handle.done;
  } finally {
    stopOnSignal();
  }
  if (failure) reportFailures(ctx, [failure]);
  // Where to pick up next time, so nothing in between is missed.
  if (!ctx.json && last) ctx.io.err(`resume with --from-revision ${last + 1}`);
  return failure ? 1 : 0;
}

function stateVersionOf(valueJson: string): number {
  const v = parseJson(valueJson) as { version?: number } | undefined;
  return v?.version ?? 0;
}

function stateOf(valueJson: string): string {
  const v = parseJson(valueJson) as { state?: { worker_state?: string } } | undefined;
  return v?.state?.worker_state ?? '';
}

export function eventLine(e: api.WatchResourcesResponse): string {
  const head = `[${e.revision}]${e.snapshot ? ' (current)' : ''} ${e.resourceType} ${e.id} ${kindName(e.kind)}`;
  if (e.deleted) return `${head}: removed`;
  const v = parseJson(e.valueJson) as Record<string, unknown> | undefined;
  switch (e.kind) {
    case api.WatchEventKind.WATCH_EVENT_KIND_CONFIG:
      return `${head}: version ${String(v?.version)}${v?.marked_for_deletion ? ' (marked for deletion)' : ''}`;
    case api.WatchEventKind.WATCH_EVENT_KIND_STATE: {
      const s = v as { state?: { worker_state?: string }; version?: number; error?: string } | undefined;
      return `${head}: ${s?.state?.worker_state ?? '?'} at version ${String(s?.version)}${s?.error ? ` error: ${s.error}` : ''}`;
    }
    default:
      return `${head}: ${monitoringText(e.valueJson)} (version ${String(v?.version)})`;
  }
}
