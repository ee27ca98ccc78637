/** explain: the resource's jobs and, for each waiting one, what it waits for. */
import { explainResource } from '@esi/client';
import { need, type CommandSpec } from '../args.js';
import { printJson, type Ctx } from '../context.js';
import { explainJson, explainText } from '../format.js';

export const explainSpec: CommandSpec = { options: {}, maxArgs: 2 };

export async function explain(ctx: Ctx): Promise<number> {
  const type = need(ctx.args, 1, 'resource type');
  const id = need(ctx.args, 2, 'resource id');
  const e = await explainResource(ctx.client, type, id, { timeoutMs: ctx.timeoutMs });
  if (ctx.json) printJson(ctx, explainJson(e));
  else ctx.io.out(explainText(e));
  return 0;
}
