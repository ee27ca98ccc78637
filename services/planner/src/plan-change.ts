/**
 * Turns one resource change into a workflow of jobs: decides the action by comparing
 * /config with /state and earlier workflows, chooses each handler's template, plans
 * params, attaches dependencies, and stores the jobs under /jobs/all in one transaction.
 */
import { context, propagation } from '@opentelemetry/api';
import {
  HANDLERS,
  MSG_ID,
  jobKey,
  plannerJobMetaKey,
  skippedSubject,
  stateKey,
  storedJobValue,
  events,
  type Handler,
  type StateValue,
  type StoredJob,
} from '@esi/contracts';
import { MappingError, planParams, resolveTemplateId, type MappingContext, type Relations } from '@esi/mapping';
import type { Publisher } from '@esi/messaging';
import type { OwnedStore, WriteOp } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { ConfigReader, TemplateBody } from './config-reader.js';
import { crossDependencies } from './dependencies.js';
import { jobId, jobName } from './job-ids.js';
import type { JobMeta, PendingJobs } from './pending-jobs.js';
import { workflowKey, type WorkflowRecord } from './workflow-record.js';
import { workflowJobs, type Action } from './workflows.js';

export interface ResourceTypeInfo {
  plural: string;
  template_mappings?: Partial<Record<Handler, unknown>>;
}

export interface PlanDeps {
  store: OwnedStore;
  reader: ConfigReader;
  pending: PendingJobs;
  publisher: Publisher;
  log: Logger;
  relations: Relations;
  typeInfo: (type: string) => ResourceTypeInfo | undefined;
}

export type PlanOutcome = 'planned' | 'skipped' | 'failed' | 'up-to-date' | 'gone';

export async function planChange(type: string, id: string, deps: PlanDeps): Promise<PlanOutcome> {
  const info = deps.typeInfo(type);
  const cfg = await deps.reader.getConfig(type, id);
  if (!cfg || !info) return 'gone';
  const version = cfg.version;
  const state = (await deps.store.getJson<StateValue>(stateKey(info.plural, id)))?.value;
  if (state && state.version >= version) return 'up-to-date';
  const wfKey = workflowKey(info.plural, id);
  const previous = await deps.store.getJson<WorkflowRecord>(wfKey);
  if (previous && previous.value.version >= version) return 'up-to-date';

  const body = JSON.parse(cfg.body) as Record<string, unknown>;
  const action: Action = cfg.marked_for_deletion ? 'delete' : state || previous ? 'modify' : 'create';
  const ctx: MappingContext = { resourceType: type, resourceId: id, body, version, relations: deps.relations, lookup: deps.reader };

  const templates = new Map<Handler, TemplateBody>();
  try {
    for (const handler of HANDLERS) {
      const mapping = info.template_mappings?.[handler];
      if (mapping === undefined) continue;
      const templateId = await resolveTemplateId(mapping, ctx);
      if (templateId === null) continue;
      const template = await deps.reader.getTemplate(templateId);
      if (template) templates.set(handler, template);
      else deps.log.warn({ type, id, templateId }, 'template not in catalog; handler skipped');
    }
  } catch (err) {
    return failPlanning(type, id, version, action, err, wfKey, previous?.modRevision, deps);
  }

  const record: WorkflowRecord = { version, action, jobs: [] };
  if (templates.size === 0) {
    await writeRecord(deps.store, wfKey, previous?.modRevision, record, []);
    await publishSkipped(deps.publisher, { resourceType: type, resourceId: id, version, reason: 'non-workable', error: '', action });
    return 'skipped';
  }

  const skeletons = workflowJobs(action, new Set(templates.keys()));
  const jobs: StoredJob[] = [];
  try {
    for (const [i, s] of skeletons.entries()) {
      const template = templates.get(s.handler)!;
      const params = await planParamsFor(action, template, ctx);
      jobs.push({
        is_first: i === 0,
        resource_id: id,
        handler: s.handler,
        job_name: jobName(type, id, version),
        dependency: [],
        version,
        params,
        resource_type: type,
        action: s.action,
        is_last: i === skeletons.length - 1,
        on_failure: s.onFailure,
        id: jobId(s.action, s.handler, type, id, version),
        resource_input: body,
      });
    }
  } catch (err) {
    return failPlanning(type, id, version, action, err, wfKey, previous?.modRevision, deps);
  }
  for (const [i, s] of skeletons.entries()) jobs[i]!.dependency = s.after.map((k) => jobs[k]!.id);
  jobs[0]!.dependency = [...crossDependencies(jobs, deps.pending), ...jobs[0]!.dependency];

  const trace: Record<string, string> = {};
  propagation.inject(context.active(), trace);
  const now = Date.now();
  const metas = new Map<string, JobMeta>(
    jobs.map((j, i) => [j.id, { template_id: templates.get(skeletons[i]!.handler)!.id, trace, planned_at_ms: now, dispatched_attempt: 0 }]),
  );
  const ops: WriteOp[] = [];
  for (const j of jobs) {
    ops.push({ put: jobKey(j.id), value: JSON.stringify(storedJobValue(j)) });
    ops.push({ put: plannerJobMetaKey(j.id), value: JSON.stringify(metas.get(j.id)) });
  }
  record.jobs = jobs.map((j) => j.id);
  await writeRecord(deps.store, wfKey, previous?.modRevision, record, ops);
  for (const j of jobs) deps.pending.set({ job: j, meta: metas.get(j.id)! });
  deps.log.info({ resource: `${type}:${id}`, version, action, jobs: record.jobs }, 'workflow planned');
  return 'planned';
}

/** Delete workflows must not stall on references that are already gone. */
async function planParamsFor(action: Action, template: TemplateBody, ctx: MappingContext) {
  try {
    return await planParams(template.parameter_mappings ?? {}, ctx);
  } catch (err) {
    if (action === 'delete' && err instanceof MappingError) return [];
    throw err;
  }
}

async function writeRecord(
  store: OwnedStore,
  key: string,
  modRevision: string | undefined,
  record: WorkflowRecord,
  ops: WriteOp[],
): Promise<void> {
  const ok = await store.txn(
    [modRevision ? { key, modRevision } : { key, absent: true }],
    [...ops, { put: key, value: JSON.stringify(record) }],
  );
  // Only the planner writes these keys and it runs one handler at a time; a conflict
  // means a second planner instance is active.
  if (!ok) throw new Error(`workflow record ${key} changed under the planner; is a second planner running?`);
}

async function failPlanning(
  type: string,
  id: string,
  version: number,
  action: Action,
  err: unknown,
  wfKey: string,
  modRevision: string | undefined,
  deps: PlanDeps,
): Promise<PlanOutcome> {
  if (!(err instanceof MappingError)) throw err;
  deps.log.warn({ err, resource: `${type}:${id}`, version }, 'change cannot be planned');
  await writeRecord(deps.store, wfKey, modRevision, { version, action, jobs: [], error: err.message }, []);
  await publishSkipped(deps.publisher, { resourceType: type, resourceId: id, version, reason: 'planning failed', error: err.message, action });
  return 'failed';
}

async function publishSkipped(publisher: Publisher, msg: events.WorkflowSkipped): Promise<void> {
  await publisher.publish(
    skippedSubject(msg.resourceType, msg.resourceId),
    events.WorkflowSkipped.encode(msg).finish(),
    MSG_ID.skipped(msg.resourceType, msg.resourceId, msg.version),
  );
}
