/** history: the resource's events from the streams, oldest first. */
import { resourceHistory } from '@esi/client';
import { intOption, need, type CommandSpec } from '../args.js';
import { printJson, type Ctx } from '../context.js';
import { parseJson } from '../format.js';

export const historySpec: CommandSpec = { options: { limit: 'string' }, maxArgs: 2 };

export async function history(ctx: Ctx): Promise<number> {
  const type = need(ctx.args, 1, 'resource type');
  const id = need(ctx.args, 2, 'resource id');
  const res = await resourceHistory(ctx.client, type, id, intOption(ctx.args, 'limit', 0), { timeoutMs: ctx.timeoutMs });
  const events = res.events.map((e) => ({ time: new Date(e.timeMs).toISOString(), kind: e.kind, subject: e.subject, stream: e.stream, sequence: e.sequence, event: parseJson(e.eventJson) }));
  if (ctx.json) {
    printJson(ctx, { events });
    return 0;
  }
  for (const e of events) ctx.io.out(`${e.time}  ${e.kind.padEnd(10)} ${describe(e.kind, e.event as Record<string, unknown>)}`);
  if (events.length === 0) ctx.io.out('(no events)');
  return 0;
}

function describe(kind: string, e: Record<string, unknown>): string {
  switch (kind) {
    case 'config':
      return `version ${String(e.version)}${e.removed ? ' removed' : e.markedForDeletion ? ' marked for deletion' : ''}`;
    case 'job_result': {
      const job = (e.job ?? {}) as Record<string, unknown>;
      return `${String(job.id)} ${String(e.outcome)}${e.error ? ` error: ${String(e.error)}` : ''}`;
    }
    case 'skipped':
      return `version ${String(e.version)} ${String(e.reason)}${e.error ? ` error: ${String(e.error)}` : ''}`;
    case 'state':
      return `${String(e.workerState)} at version ${String(e.version)}${e.error ? ` error: ${String(e.error)}` : ''}`;
    default:
      return `${JSON.stringify(e.status ?? {})} (version ${String(e.version)})`;
  }
}
