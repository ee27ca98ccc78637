/** ResourceService: each RPC decoded into a domain call; nothing here knows etcd. */
import type { Relations } from '@esi/mapping';
import { api } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
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
    createResource: unary(edge, 'CreateResource', async (req: api.CreateResourceRequest, ctx) => ({
      resource: await resources.create(ctx, req.resourceType, req.bodyJson),
    })),
    updateResource: unary(edge, 'UpdateResource', async (req: api.UpdateResourceRequest, ctx) => ({
      resource: await resources.update(ctx, req.resourceType, req.id, req.bodyJson, req.expectedVersion),
    })),
    getResource: unary(edge, 'GetResource', async (req: api.GetResourceRequest, ctx) => ({
      resource: await resources.get(ctx, req.resourceType, req.id),
    })),
    listResources: unary(edge, 'ListResources', async (req: api.ListResourcesRequest, ctx) => {
      const page = await listPage(store, ctx, types.rulesOf(req.resourceType), { tenantId: req.tenantId, pageSize: req.pageSize, pageToken: req.pageToken });
      // Each resource as a Get shows it: secrets masked for tenants.
      return { ...page, resources: await Promise.all(page.resources.map((r) => resources.shown(ctx, r))) };
    }),
    putRelations: unary(edge, 'PutRelations', async (req: api.PutRelationsRequest, ctx) => putRelations(ctx, d.store, req.relationsJson)),
    retryResource: unary(edge, 'RetryResource', async (req: api.RetryResourceRequest, ctx) => ({
      resource: await resources.retry(ctx, req.resourceType, req.id),
    })),
    deleteResource: unary(edge, 'DeleteResource', async (req: api.DeleteResourceRequest, ctx) => ({
      resource: await resources.markForDeletion(ctx, req.resourceType, req.id),
    })),
    watchResources: serverStream(edge, 'WatchResources', (req: api.WatchResourcesRequest, ctx, send, started) =>
      d.watches.hold(ctx.callerKey, () => watchResources({ store, types, log: edge.log, secrets: resources.secrets }, ctx, req, send, started)),
    ),
    plan: unary(edge, 'Plan', async (req: api.PlanRequest, ctx) => {
      if (req.resource && req.template) throw new ValidationError('change', 'give either resource or template, not both');
      if (req.resource) return planResourceChange({ store, resources, relations: d.relations }, ctx, req.resource);
      if (req.template) return planTemplateChange({ store, types, relations: d.relations, templates }, ctx, req.template);
      throw new ValidationError('change', 'is required: a resource change or a template change');
    }),
    explain: unary(edge, 'Explain', (req: api.ExplainRequest, ctx) => explain(store, resources, ctx, req.resourceType, req.id)),
    history: unary(edge, 'History', async (req: api.HistoryRequest, ctx) => ({
      events: await history({ ...d.history, store, types, facts: resources.facts }, ctx, req),
    })),
    putTemplate: unary(edge, 'PutTemplate', (req: api.PutTemplateRequest, ctx) => templates.put(ctx, req.bodyJson, req.sampleInputJson, req.expectedVersion)),
    getTemplate: unary(edge, 'GetTemplate', async (req: api.GetTemplateRequest) => ({ template: await templates.get(req.id) })),
    listTemplates: unary(edge, 'ListTemplates', async (req: api.ListTemplatesRequest) => ({ templates: await templates.list(req.handler) })),
  };
}
