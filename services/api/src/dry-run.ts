/**
 * Plan (resource change): the jobs a change would create, computed by the planner's own
 * pure core (@esi/planning) over what etcd holds now — /config with the change applied
 * in memory, /state, the planner's workflow record and the jobs pending in /jobs/all.
 * Nothing is written and nothing random leaks: job-id suffixes are fixed to "dryrn".
 */
import { SLICES, configKey, heatStackKey, stateKey, templateKey, type HeatStackValue, type JobParamValue, type StoredJob } from '@esi/contracts';
import type { Relations, ResourceLookup } from '@esi/mapping';
import { planWorkflow, type PendingView, type TemplateBody } from '@esi/planning';
import type { OwnedStore, PendingJobRecord } from '@esi/store';
import { api } from '@esi/contracts';
import type { CallContext } from './call-context.js';
import { readPendingJobs, readWorkflow } from './planner-records.js';
import { parseObject, readConfig } from './resource-reads.js';
import type { PreparedChange, Resources } from './resources.js';
import { ValidationError } from './errors.js';
import type { MappingFactsSnapshot } from './mapping-facts.js';
import { MASK, collectSecretValues, redactBody, scrubText } from './redaction.js';
import { mayReference } from './shared-infrastructure.js';
import { mayReference as referenceAllowed, referrerOf } from '@esi/catalog';
import { parseBodyJson } from './validate-body.js';
import { changeActionOf, paramTypeOf } from './typed-fields.js';

export const DRY_RUN_SUFFIX = 'dryrn';

export interface DryRunDeps {
  store: OwnedStore;
  resources: Resources;
  relations: Relations;
}

export async function planResourceChange(deps: DryRunDeps, ctx: CallContext, change: api.ResourceChange): Promise<api.PlanResponse> {
  if (change.delete && change.update) throw new ValidationError('resource.delete', 'cannot be combined with update');
  const r = deps.resources;
  const prepared = change.delete
    ? await r.prepareDelete(ctx, change.resourceType, change.id, 0)
    : change.update
      ? await r.prepareUpdate(ctx, change.resourceType, change.id, change.bodyJson, 0)
      : await r.prepareCreate(ctx, change.resourceType, withId(change));
  if (prepared.kind === 'create') await r.checkCreatable(prepared);
  const { rules, id } = prepared;
  const typeInfo = r.types.table[rules.type]!;
  const [state, record, pending] = await Promise.all([
    deps.store.read(stateKey(rules.plural, id), SLICES.state.parse),
    readWorkflow(deps.store, rules.plural, id),
    readPendingJobs(deps.store),
  ]);
  ctx.checkpoint();
  // For a tenant: resources it may not reference look absent to the mappings, and every
  // secret value the plan touches is collected so no answer carries it.
  const tenantView = ctx.caller.kind === 'tenant' ? { facts: await r.facts.current(), secrets: new Set<string>() } : undefined;
  if (tenantView) redactBody(prepared.body, rules.schema, tenantView.secrets);
  const result = await planWorkflow({
    type: rules.type,
    id,
    config: prepared.value,
    stateVersion: state?.value.version,
    plannedVersion: record?.version,
    typeInfo,
    relations: deps.relations,
    lookup: overlayLookup(deps.store, r, prepared, ctx, tenantView?.secrets),
    getTemplate: (t) => readTemplate(deps.store, t),
    pending: pendingView(pending),
    suffix: () => DRY_RUN_SUFFIX,
  });
  const base = { ...api.PlanResponse.fromPartial({}), id, version: prepared.value.version };
  const response = await planResponse(deps, r, base, result, tenantView && { ...tenantView, type: rules.type });
  return tenantView ? scrubbed(response, tenantView.secrets) : response;
}

/** The texts of a plan that may quote a value (errors, param values) scrubbed; ids and names stay as they are. */
function scrubbed(response: api.PlanResponse, secrets: ReadonlySet<string>): api.PlanResponse {
  const text = (t: string): string => scrubText(t, secrets);
  return {
    ...response,
    error: text(response.error),
    jobs: response.jobs.map((job) => ({
      ...job,
      params: job.params.map((p) => ({ ...p, valueJson: text(p.valueJson), resolvedJson: text(p.resolvedJson), resolutionError: text(p.resolutionError) })),
    })),
  };
}

type PlanResult = Awaited<ReturnType<typeof planWorkflow>>;
interface TenantMask {
  facts: MappingFactsSnapshot;
  secrets: Set<string>;
  type: string;
}

async function planResponse(deps: DryRunDeps, r: Resources, base: api.PlanResponse, result: PlanResult, mask: TenantMask | undefined): Promise<api.PlanResponse> {
  switch (result.kind) {
    case 'up-to-date':
      return { ...base, outcome: 'up-to-date', planOutcome: api.PlanOutcome.PLAN_OUTCOME_UP_TO_DATE };
    case 'failed':
      return { ...base, outcome: 'failed', planOutcome: api.PlanOutcome.PLAN_OUTCOME_FAILED, action: result.action, changeAction: changeActionOf(result.action), error: result.error };
    case 'skipped':
      return { ...base, outcome: 'skipped', planOutcome: api.PlanOutcome.PLAN_OUTCOME_SKIPPED, action: result.action, changeAction: changeActionOf(result.action), missingTemplates: result.missingTemplates };
    case 'planned': {
      const jobs: api.PlannedJob[] = [];
      for (const [i, job] of result.jobs.entries()) jobs.push(await plannedJob(deps.store, r, job, result.templateIds[i] ?? '', mask));
      return { ...base, outcome: 'planned', planOutcome: api.PlanOutcome.PLAN_OUTCOME_PLANNED, action: result.action, changeAction: changeActionOf(result.action), jobs, missingTemplates: result.missingTemplates };
    }
  }
}

/** A create may name its id beside the body; it must agree with body_json.id. */
function withId(change: api.ResourceChange): string {
  if (!change.id) return change.bodyJson;
  const body = parseBodyJson(change.bodyJson, 'resource.body_json');
  if (body.id !== undefined && body.id !== change.id) throw new ValidationError('resource.id', 'differs from body_json.id');
  return JSON.stringify({ ...body, id: change.id });
}

/** Other resources' bodies from /config; the resource being planned as the change leaves it. */
function overlayLookup(store: OwnedStore, r: Resources, p: PreparedChange, ctx: CallContext, secrets: Set<string> | undefined): ResourceLookup {
  const isShared = (t: string): boolean => r.types.isShared(t);
  const referrer = referrerOf(isShared, p.rules.type, p.id, p.body);
  return {
    async getBody(type, id) {
      if (type === p.rules.type && id === p.id) return p.body;
      const plural = r.types.pluralOf(type);
      if (!plural) return undefined;
      const cfg = await readConfig(store, configKey(plural, id));
      if (!cfg) return undefined;
      const body = parseObject(cfg.value.body);
      // Another tenant's resource is missing to this caller, with the same words; and what
      // the planned resource itself may not reference is missing to the planner, so the
      // dry run sees it missing too, whoever asks.
      if (!mayReference(ctx.caller, r.types, type, id, body) || !referenceAllowed(referrer, isShared, type, id, body)) return undefined;
      if (secrets) redactBody(body, r.types.schemaOf(type), secrets);
      return body;
    },
  };
}

async function readTemplate(store: OwnedStore, templateId: string): Promise<TemplateBody | undefined> {
  const cfg = await readConfig(store, templateKey(templateId));
  return cfg ? (parseObject(cfg.value.body) as unknown as TemplateBody) : undefined;
}

function pendingView(pending: Map<string, PendingJobRecord>): PendingView {
  return {
    all: () => pending.values(),
    ofResource: (type, id) => [...pending.values()].filter((p) => p.job.resource_type === type && p.job.resource_id === id),
  };
}

async function plannedJob(store: OwnedStore, r: Resources, job: StoredJob, templateId: string, mask: TenantMask | undefined): Promise<api.PlannedJob> {
  const stacks = new Map<string, HeatStackValue | undefined>();
  const outputOf = async (ref: { output_key: string; resource_type: string; resource_id: string }): Promise<unknown> => {
    const plural = r.types.pluralOf(ref.resource_type) ?? ref.resource_type;
    const key = heatStackKey(plural, ref.resource_id);
    if (!stacks.has(key)) stacks.set(key, (await store.read(key, SLICES.heatStacks.parse))?.value);
    const stack = stacks.get(key);
    if (!stack) throw new Error(`output ${ref.output_key} of ${ref.resource_type} ${ref.resource_id}: the resource has no stack yet`);
    const out = stack.output.find((o) => o.output_key === ref.output_key);
    if (!out) throw new Error(`output ${ref.output_key} of ${ref.resource_type} ${ref.resource_id}: the stack has no such output`);
    return out.output_value;
  };
  const params: api.PlannedParam[] = [];
  for (const p of job.params) {
    let resolved: unknown = p.value;
    let resolutionError = '';
    try {
      if (p.type === 'output_key') resolved = await outputOf(p.value as never);
      else if (p.type === 'list') {
        const items = (p.value as JobParamValue[] | null) ?? [];
        resolved = await Promise.all(items.map((i) => (i.type === 'output_key' ? outputOf(i.value as never) : i.value)));
      }
    } catch (err) {
      resolutionError = (err as Error).message;
    }
    const secret = mask !== undefined && mask.facts.isSecretParam(mask.type, templateId, p.param);
    if (secret) {
      collectSecretValues(p.value, mask.secrets);
      collectSecretValues(resolved, mask.secrets);
    }
    params.push({
      param: p.param,
      type: p.type,
      paramType: paramTypeOf(p.type),
      valueJson: JSON.stringify(secret && p.value !== null && p.value !== '' ? MASK : (p.value ?? null)),
      resolvedJson: resolutionError ? '' : JSON.stringify(secret && resolved !== null && resolved !== '' ? MASK : (resolved ?? null)),
      resolutionError,
      resources: p.resources.map((x) => ({ resourceType: x.resource_type, id: x.resource_id })),
    });
  }
  return {
    id: job.id,
    action: job.action,
    changeAction: changeActionOf(job.action),
    handler: job.handler,
    templateId,
    dependency: job.dependency,
    isFirst: job.is_first,
    isLast: job.is_last,
    onFailure: job.on_failure,
    params,
  };
}
