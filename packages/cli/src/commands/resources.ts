/** create, update, delete, get, list. */
import { createResource, deleteResource, getResource, listResources, retryResource, updateResource } from '@esi/client';
import { intOption, need, type CommandSpec } from '../args.js';
import { printJson, type Ctx } from '../context.js';
import { resourceJson, resourceLine, resourceText } from '../format.js';
import { readObject } from '../read-input.js';

export const createSpec: CommandSpec = { options: { file: 'string' }, maxArgs: 1 };
export const updateSpec: CommandSpec = { options: { file: 'string', 'expect-version': 'string' }, maxArgs: 2 };
/** delete, retry and get. */
export const oneResourceSpec: CommandSpec = { options: {}, maxArgs: 2 };
export const listSpec: CommandSpec = { options: { tenant: 'string', 'page-size': 'string', 'page-token': 'string', all: 'boolean' }, maxArgs: 1 };

export async function create(ctx: Ctx): Promise<number> {
  const type = need(ctx.args, 1, 'resource type');
  const body = await readObject(ctx.io, ctx.args.options.get('file'));
  const r = (await createResource(ctx.client, type, body, { timeoutMs: ctx.timeoutMs })).resource!;
  if (ctx.json) printJson(ctx, resourceJson(r));
  else ctx.io.out(`created ${r.resourceType} ${r.id} (version ${r.version})`);
  return 0;
}

export async function update(ctx: Ctx): Promise<number> {
  const type = need(ctx.args, 1, 'resource type');
  const id = need(ctx.args, 2, 'resource id');
  const body = await readObject(ctx.io, ctx.args.options.get('file'));
  const expected = intOption(ctx.args, 'expect-version', 0);
  const r = (await updateResource(ctx.client, type, id, body, expected, { timeoutMs: ctx.timeoutMs })).resource!;
  if (ctx.json) printJson(ctx, resourceJson(r));
  else ctx.io.out(`updated ${r.resourceType} ${r.id} (version ${r.version})`);
  return 0;
}

export async function remove(ctx: Ctx): Promise<number> {
  const type = need(ctx.args, 1, 'resource type');
  const id = need(ctx.args, 2, 'resource id');
  const r = (await deleteResource(ctx.client, type, id, { timeoutMs: ctx.timeoutMs })).resource!;
  if (ctx.json) printJson(ctx, resourceJson(r));
  else ctx.io.out(`marked ${r.resourceType} ${r.id} for deletion (version ${r.version}); it is removed once DELETE_COMPLETED`);
  return 0;
}

export async function retry(ctx: Ctx): Promise<number> {
  const type = need(ctx.args, 1, 'resource type');
  const id = need(ctx.args, 2, 'resource id');
  const r = (await retryResource(ctx.client, type, id, { timeoutMs: ctx.timeoutMs })).resource!;
  if (ctx.json) printJson(ctx, resourceJson(r));
  else ctx.io.out(`retrying the failed workflow of ${r.resourceType} ${r.id} (version ${r.version})`);
  return 0;
}

export async function get(ctx: Ctx): Promise<number> {
  const type = need(ctx.args, 1, 'resource type');
  const id = need(ctx.args, 2, 'resource id');
  const r = (await getResource(ctx.client, type, id, { timeoutMs: ctx.timeoutMs })).resource!;
  if (ctx.json) printJson(ctx, resourceJson(r));
  else ctx.io.out(resourceText(r));
  return 0;
}

export async function list(ctx: Ctx): Promise<number> {
  const type = need(ctx.args, 1, 'resource type');
  const tenantId = ctx.args.options.get('tenant') ?? '';
  const pageSize = intOption(ctx.args, 'page-size', 0);
  let pageToken = ctx.args.options.get('page-token') ?? '';
  const all = ctx.args.flags.has('all');
  const resources = [];
  let next = '';
  do {
    const page = await listResources(ctx.client, type, { tenantId, pageSize, pageToken }, { timeoutMs: ctx.timeoutMs });
    resources.push(...page.resources);
    next = page.nextPageToken;
    pageToken = next;
  } while (all && next);
  if (ctx.json) printJson(ctx, { resources: resources.map(resourceJson), next_page_token: all ? '' : next });
  else {
    for (const r of resources) ctx.io.out(resourceLine(r));
    if (!all && next) ctx.io.out(`(more: --page-token ${next}, or --all)`);
  }
  return 0;
}
