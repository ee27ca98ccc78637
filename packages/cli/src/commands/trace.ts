/** trace: the trace of the resource's latest change as a tree with timings (@esi/trace-view). */
import { explainResource } from '@esi/client';
import { printResourceTrace } from '@esi/trace-view';
import { need, type CommandSpec } from '../args.js';
import type { Ctx } from '../context.js';

export const traceSpec: CommandSpec = { options: { jaeger: 'string', spans: 'string', 'trace-id': 'string' }, maxArgs: 2 };

export async function trace(ctx: Ctx): Promise<number> {
  const type = need(ctx.args, 1, 'resource type');
  const id = need(ctx.args, 2, 'resource id');
  // The api names the trace while the change has jobs pending; otherwise (or with no
  // api at hand) the spans themselves tell which trace is the latest change.
  const explained = await explainResource(ctx.client, type, id, { timeoutMs: Math.min(ctx.timeoutMs, 5_000) }).catch(() => undefined);
  return printResourceTrace({
    type,
    id,
    traceId: ctx.args.options.get('trace-id') || explained?.traceId || undefined,
    jaegerUrl: ctx.args.options.get('jaeger') || ctx.env.jaegerUrl || undefined,
    spanFile: ctx.args.options.get('spans'),
    json: ctx.json,
    color: ctx.io.tty,
    out: (text) => ctx.io.out(text),
  });
}
