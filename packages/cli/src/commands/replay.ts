/**
 * replay --catalog DIR [--relations FILE] [--etcd URL] FILE...: loads a catalog (and a
 * relations table) into the running stack, replays the recorded /config writes through
 * the api in recorded order, and reports differences against the recording.
 */
import { readFile } from 'node:fs/promises';
import { Etcd3 } from 'etcd3';
import { loadTemplates, typeOfPlural } from '@esi/catalog';
import { putRelations, putTemplate } from '@esi/client';
import { formatReport, replay as runReplay } from '@esi/replay';
import { intOption, UsageError, type CommandSpec } from '../args.js';
import { printJson, type Ctx } from '../context.js';

/** Its options (esictl refuses any other); any number of scenario files. */
export const replaySpec: CommandSpec = { options: { catalog: 'string', relations: 'string', etcd: 'string', 'state-timeout': 'string' } };

export async function replay(ctx: Ctx): Promise<number> {
  const files = ctx.args.positional.slice(1);
  if (files.length === 0) throw new UsageError('replay needs at least one recorded scenario file');
  const etcdUrl = ctx.args.options.get('etcd') || ctx.env.etcdEndpoints;
  if (!etcdUrl) throw new UsageError('replay watches etcd for the jobs and states it compares: give --etcd URL or ETCD_ENDPOINTS');
  const say = (line: string): void => {
    if (!ctx.json) ctx.io.out(line);
  };

  const catalog = ctx.args.options.get('catalog');
  if (catalog) {
    const templates = await loadTemplates(catalog);
    let changed = 0;
    for (const t of templates) if ((await putTemplate(ctx.client, t.body)).changed) changed++;
    say(`catalog ${catalog}: ${templates.length} templates, ${changed} stored anew`);
  }
  const relationsFile = ctx.args.options.get('relations');
  if (relationsFile) {
    const res = await putRelations(ctx.client, JSON.parse(await readFile(relationsFile, 'utf8')) as unknown);
    say(`relations ${relationsFile}: ${res.changed ? `stored as version ${res.version}` : 'unchanged'}`);
  }

  const etcd = new Etcd3({ hosts: etcdUrl.split(',') });
  try {
    const report = await runReplay({
      client: ctx.client,
      etcd,
      files,
      typeOfPlural,
      stateTimeoutMs: intOption(ctx.args, 'state-timeout', 30_000),
      say,
    });
    if (ctx.json) printJson(ctx, report);
    else ctx.io.out(formatReport(report));
    return report.differences.length === 0 ? 0 : 1;
  } finally {
    etcd.close();
  }
}
