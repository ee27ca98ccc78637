/**
 * ResourceService: each RPC decoded into a domain call; nothing here knows etcd. Bodies
 * arrive as JSON strings or as typed Structs (typed-fields.ts) and leave as both.
 */
import type { Relations } from '@esi/mapping';
import { api } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
import type { CallContext } from './call-context.js';
import { serverStream, unary, type EdgeDeps } from './call-handler.js';
import { planResourceChange } from './dry-run.js';
import { ValidationError } from './errors.js';
import { explain } from './explain.js';
import { history, type HistoryDeps } from './history.js';
import { listPage } from './list-page.js';
import { planTemplateChange } from './plan-template.js';
import type { Resources } from './resources.js';
import type { Templates } from './templates.js';
import { watchResources } from './watch.js';
import type { WatchLimit } from './watch-limit.js';
import { putRelations } from './relations-store.js';
import { bodyText, namingTyped, structOf, typedResource, typedTemplate, valueOf } from './typed-fields.js';

export interface ServiceDeps {
  store: OwnedStore;
  resources: Resources;
  templates: Templates;
  relations: Relations;
  history: Omit<HistoryDeps, 'store' | 'types'>;
  watches: WatchLimit;
}

export function resourceService(edge: EdgeDeps, d: ServiceDeps): api.ResourceServiceServer {
  const { resources, templates, store } = d;
  const types = resources.types;
  return {
    createResource: unary(edge, 'CreateResource', async (req: api.CreateResourceRequest, ctx) => {
      const body = bodyText(req.bodyJson, req.body, 'body_json', 'body');
      return { resource: typedResource(await namingTyped(req.body !== undefined, 'body_json', 'body', () => resources.create(ctx, req.resourceType, body))) };
    }),
    updateResource: unary(edge, 'UpdateResource', async (req: api.UpdateResourceRequest, ctx) => {
      const body = bodyText(req.bodyJson, req.body, 'body_json', 'body');
      const updated = await namingTyped(req.body !== undefined, 'body_json', 'body', () => resources.update(ctx, req.resourceType, req.id, body, req.expectedVersion));
      return { resource: typedResource(updated) };
    }),
    getResource: unary(edge, 'GetResource', async (req: api.GetResourceRequest, ctx) => ({
      resource: typedResource(await resources.get(ctx, req.resourceType, req.id)),
    })),
    listResources: unary(edge, 'ListResources', async (req: api.ListResourcesRequest, ctx) => {
      const page = await listPage(store, ctx, types.rulesOf(req.resourceType), { tenantId: req.tenantId, pageSize: req.pageSize, pageToken: req.pageToken });
      // Each resource as a Get shows it: secrets masked for tenants.
      return { ...page, resources: await Promise.all(page.resources.map(async (r) => typedResource(await resources.shown(ctx, r)))) };
    }),
    putRelations: unary(edge, 'PutRelations', async (req: api.PutRelationsRequest, ctx) => {
      const table = bodyText(req.relationsJson, req.relations, 'relations_json', 'relations');
      return namingTyped(req.relations !== undefined, 'relations_json', 'relations', () => putRelations(ctx, d.store, table));
    }),
    retryResource: unary(edge, 'RetryResource', async (req: api.RetryResourceRequest, ctx) => ({
      resource: typedResource(await resources.retry(ctx, req.resourceType, req.id)),
    })),
    deleteResource: unary(edge, 'DeleteResource', async (req: api.DeleteResourceRequest, ctx) => ({
      resource: typedResource(await resources.markForDeletion(ctx, req.resourceType, req.id)),
    })),
    watchResources: serverStream(edge, 'WatchResources', (req: api.WatchResourcesRequest, ctx, send, started) => {
      const sendTyped = (res: api.WatchResourcesResponse): void => send({ ...res, value: typedWatchValue(res) });
      return d.watches.hold(ctx.callerKey, () => watchResources({ store, types, log: edge.log, secrets: resources.secrets }, ctx, req, sendTyped, started));
    }),
    plan: unary(edge, 'Plan', async (req: api.PlanRequest, ctx) => typedPlan(await plan(req, ctx))),
    explain: unary(edge, 'Explain', async (req: api.ExplainRequest, ctx) => {
      const res = await explain(store, resources, ctx, req.resourceType, req.id);
      return { ...res, resource: typedResource(res.resource) };
    }),
    history: unary(edge, 'History', async (req: api.HistoryRequest, ctx) => ({
      events: (await history({ ...d.history, store, types, facts: resources.facts }, ctx, req)).map((e) => ({ ...e, event: structOf(e.eventJson) })),
    })),
    putTemplate: unary(edge, 'PutTemplate', async (req: api.PutTemplateRequest, ctx) => {
      const body = bodyText(req.bodyJson, req.body, 'body_json', 'body');
      const sample = bodyText(req.sampleInputJson, req.sampleInput, 'sample_input_json', 'sample_input');
      const put = await namingTyped(req.body !== undefined, 'body_json', 'body', () =>
        namingTyped(req.sampleInput !== undefined, 'sample_input_json', 'sample_input', () => templates.put(ctx, body, sample, req.expectedVersion)),
      );
      return { ...put, template: typedTemplate(put.template) };
    }),
    getTemplate: unary(edge, 'GetTemplate', async (req: api.GetTemplateRequest) => ({ template: typedTemplate(await templates.get(req.id)) })),
    listTemplates: unary(edge, 'ListTemplates', async (req: api.ListTemplatesRequest) => ({ templates: (await templates.list(req.handler)).map(typedTemplate) })),
  };

  async function plan(req: api.PlanRequest, ctx: CallContext): Promise<api.PlanResponse> {
    if (req.resource && req.template) throw new ValidationError('change', 'give either resource or template, not both');
    if (req.resource) {
      const r = req.resource;
      const change = { ...r, bodyJson: bodyText(r.bodyJson, r.body, 'resource.body_json', 'resource.body') };
      return namingTyped(r.body !== undefined, 'resource.body_json', 'resource.body', () => planResourceChange({ store, resources, relations: d.relations }, ctx, change));
    }
    if (req.template) {
      const t = req.template;
      const change = {
        ...t,
        bodyJson: bodyText(t.bodyJson, t.body, 'template.body_json', 'template.body'),
        sampleInputJson: bodyText(t.sampleInputJson, t.sampleInput, 'template.sample_input_json', 'template.sample_input'),
      };
      const planned = () => planTemplateChange({ store, types, relations: d.relations, templates }, ctx, change);
      // Template checks name the body's members body_json.<member> (template-check.ts), without the change's prefix.
      return namingTyped(t.body !== undefined, 'body_json', 'template.body', () => namingTyped(t.sampleInput !== undefined, 'sample_input_json', 'template.sample_input', planned));
    }
    throw new ValidationError('change', 'is required: a resource change or a template change');
  }
}

/**
 * A watch event's value as a Struct. A config value is the stored envelope, whose body is
 * JSON text (Gohan's layout); here the body is the object itself, so a client reads no
 * JSON inside a string (value_json keeps the stored text).
 */
function typedWatchValue(res: api.WatchResourcesResponse): { [key: string]: unknown } | undefined {
  const value = structOf(res.valueJson);
  if (!value || res.kind !== api.WatchEventKind.WATCH_EVENT_KIND_CONFIG || typeof value.body !== 'string') return value;
  return { ...value, body: structOf(value.body) ?? value.body };
}

/** A plan with each param's value and resolved value also as google.protobuf.Value. */
function typedPlan(res: api.PlanResponse): api.PlanResponse {
  return {
    ...res,
    jobs: res.jobs.map((job) => ({
      ...job,
      params: job.params.map((p) => ({ ...p, value: valueOf(p.valueJson), resolved: p.resolutionError ? undefined : valueOf(p.resolvedJson) })),
    })),
  };
}
