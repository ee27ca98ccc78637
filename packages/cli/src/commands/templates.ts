/** template put | get | list: the template catalog. */
import { getTemplate, listTemplates, putTemplate } from '@esi/client';
import { intOption, need, UsageError, type CommandSpec } from '../args.js';
import { printJson, type Ctx } from '../context.js';
import { parseJson } from '../format.js';
import { readObject } from '../read-input.js';

export const templateSpec: CommandSpec = {
  options: {},
  subcommands: {
    put: { options: { file: 'string', sample: 'string', 'expect-version': 'string' }, maxArgs: 1 },
    get: { options: {}, maxArgs: 2 },
    list: { options: { handler: 'string' }, maxArgs: 1 },
  },
};

export async function template(ctx: Ctx): Promise<number> {
  const sub = need(ctx.args, 1, 'template command: put, get or list');
  switch (sub) {
    case 'put': {
      const body = await readObject(ctx.io, ctx.args.options.get('file'));
      const samplePath = ctx.args.options.get('sample');
      const sample = samplePath ? await readObject(ctx.io, samplePath, '--sample') : undefined;
      const res = await putTemplate(ctx.client, body, sample, intOption(ctx.args, 'expect-version', 0));
      const t = res.template!;
      if (ctx.json) printJson(ctx, { id: t.id, handler: t.handler, version: t.version, changed: res.changed });
      else ctx.io.out(res.changed ? `stored template ${t.id} (version ${t.version})` : `template ${t.id} unchanged (version ${t.version})`);
      return 0;
    }
    case 'get': {
      const t = (await getTemplate(ctx.client, need(ctx.args, 2, 'template id'))).template!;
      if (ctx.json) printJson(ctx, { id: t.id, handler: t.handler, version: t.version, body: parseJson(t.bodyJson) });
      else {
        const body = parseJson(t.bodyJson) as { template_file?: string; parameter_mappings?: unknown };
        ctx.io.out(`template ${t.id} (${t.handler}, version ${t.version})`);
        ctx.io.out(`parameter_mappings: ${JSON.stringify(body.parameter_mappings, null, 2)}`);
        ctx.io.out('template_file:');
        ctx.io.out(body.template_file ?? '');
      }
      return 0;
    }
    case 'list': {
      const res = await listTemplates(ctx.client, ctx.args.options.get('handler') ?? '');
      if (ctx.json) printJson(ctx, { templates: res.templates.map((t) => ({ id: t.id, handler: t.handler, version: t.version })) });
      else for (const t of res.templates) ctx.io.out(`${t.id.padEnd(40)} ${t.handler.padEnd(18)} v${t.version}`);
      return 0;
    }
    default:
      throw new UsageError(`unknown template command "${sub}": use put, get or list`);
  }
}
