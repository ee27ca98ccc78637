/**
 * plan: what a change would do, without doing it. It exits 1 when the preview says the
 * change would fail (a planning error, or a template that would be refused).
 */
import { planChange } from '@esi/client';
import { api } from '@esi/contracts';
import { need, UsageError, type CommandSpec } from '../args.js';
import { printJson, type Ctx } from '../context.js';
import { planText } from '../format.js';
import { readObject } from '../read-input.js';

const withFile: CommandSpec = { options: { file: 'string' }, maxArgs: 3 };

export const planSpec: CommandSpec = {
  options: {},
  subcommands: {
    create: withFile,
    update: withFile,
    delete: { options: {}, maxArgs: 3 },
    template: { options: { file: 'string', sample: 'string' }, maxArgs: 2 },
  },
};

export async function plan(ctx: Ctx): Promise<number> {
  const what = need(ctx.args, 1, 'what to plan: create, update, delete or template');
  let req: api.PlanRequest;
  const file = ctx.args.options.get('file');
  if (what === 'template') {
    const body = file ? await readObject(ctx.io, file) : undefined;
    const sample = ctx.args.options.get('sample');
    const sampleInput = sample ? await readObject(ctx.io, sample, '--sample') : undefined;
    req = {
      resource: undefined,
      template: {
        templateId: ctx.args.positional[2] ?? '',
        bodyJson: body ? JSON.stringify(body) : '',
        sampleInputJson: sampleInput ? JSON.stringify(sampleInput) : '',
      },
    };
  } else if (what === 'create' || what === 'update' || what === 'delete') {
    const resourceType = need(ctx.args, 2, 'resource type');
    const id = what === 'create' ? (ctx.args.positional[3] ?? '') : need(ctx.args, 3, 'resource id');
    const body = what === 'delete' ? {} : await readObject(ctx.io, file);
    req = { template: undefined, resource: { resourceType, id, bodyJson: JSON.stringify(body), delete: what === 'delete', update: what === 'update' } };
  } else throw new UsageError(`cannot plan "${what}": use create, update, delete or template`);
  const res = await planChange(ctx.client, req, { timeoutMs: ctx.timeoutMs });
  if (ctx.json) printJson(ctx, planJson(res));
  else ctx.io.out(planText(res));
  const wouldFail = res.outcome === 'failed' || res.problems.length > 0;
  if (wouldFail && !ctx.json) ctx.io.err(`esictl: ${res.outcome === 'template' ? 'the template would be refused' : `the change would fail: ${res.error}`}`);
  return wouldFail ? 1 : 0;
}

function planJson(p: api.PlanResponse): unknown {
  const decode = (s: string): unknown => (s ? JSON.parse(s) : null);
  return {
    ...(api.PlanResponse.toJSON(p) as Record<string, unknown>),
    jobs: p.jobs.map((j) => ({
      ...(api.PlannedJob.toJSON(j) as Record<string, unknown>),
      params: j.params.map((prm) => ({ param: prm.param, type: prm.type, value: decode(prm.valueJson), resolved: decode(prm.resolvedJson), resolution_error: prm.resolutionError, resources: prm.resources })),
    })),
  };
}
