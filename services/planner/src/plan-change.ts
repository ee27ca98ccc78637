/**
 * Turns one resource change into stored jobs: reads what planning needs from etcd,
 * plans with @esi/planning, and stores the jobs, their bookkeeping and the workflow
 * record in one transaction. Changes that run no job are announced as skipped.
 */
import { context, isSpanContextValid, propagation, trace as otelTrace } from '@opentelemetry/api';
import { MSG_ID, type JobMeta, type StoredJob, jobKey, plannerJobMetaKey, skippedSubject, stateKey, storedJobValue, events, type StateValue } from '@esi/contracts';
import type { SharedTypes } from '@esi/catalog';
import type { Relations } from '@esi/mapping';
import type { Publisher } from '@esi/messaging';
import { faultPoint } from '@esi/service-runtime';
import { planWorkflow, type Action, type ResourceTypeInfo } from '@esi/planning';
import type { OwnedStore, WriteOp } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { ConfigReader } from './config-reader.js';
import type { PendingJobs } from './pending-jobs.js';
import { liveDependents } from './dependents.js';
import { supersedeOlderWork } from './supersede.js';
import { jobMayReference, lookupFor, pendingFor } from './tenant-view.js';
import { SLICES, type WorkflowRecord } from '@esi/contracts';

export interface PlanDeps {
  store: OwnedStore;
  reader: ConfigReader;
  pending: PendingJobs;
  publisher: Publisher;
  log: Logger;
  /** The relations table in force (it can change at run time). */
  relations: { readonly current: Relations };
  typeInfo: (type: string) => ResourceTypeInfo | undefined;
  typeOfPlural: (plural: string) => string | undefined;
  /** Shared infrastructure types, which any resource may reference (tenant-view.ts). */
  isShared: SharedTypes;
  /**
   * Per resource (type:id), the version of the last workflow record this planner wrote
   * or read that waits for nothing. Only the active planner writes records and their
   * versions only grow, so a config at or below it is known planned without reading the
   * record: every change checks each resource it references that way.
   */
  plannedVersions: Map<string, number>;
}

export type PlanOutcome = 'planned' | 'skipped' | 'failed' | 'up-to-date' | 'gone' | 'waiting';

export interface PlanOptions {
  /** Run the failed workflow of the current version again (a client asked to retry). */
  retry?: boolean;
  /** Resources being planned further up this call chain (guards reference cycles). */
  planning?: Set<string>;
}

export async function planChange(type: string, id: string, deps: PlanDeps, opts: PlanOptions = {}): Promise<PlanOutcome> {
  const info = deps.typeInfo(type);
  const wfKey = info ? SLICES.plannerWorkflows.key(info.plural, id) : '';
  // The three reads are independent, so they go out together: one round trip instead
  // of three on the planner's single line of work (each change, and each referenced
  // resource checked below). When the config is gone the other two are simply unused.
  const [config, stateRead, previous] = await Promise.all([
    deps.reader.getConfig(type, id),
    info ? deps.store.getJson<StateValue>(stateKey(info.plural, id)) : undefined,
    info ? deps.store.getJson<WorkflowRecord>(wfKey) : undefined,
  ]);
  if (!config || !info) return 'gone';
  const state = stateRead?.value;
  const resource = `${type}:${id}`;
  if (previous) notePlanned(deps, resource, previous.value);

  if (config.marked_for_deletion && (previous?.value.version ?? 0) < config.version) {
    const dependents = await liveDependents(deps.store, deps.relations.current, deps.typeOfPlural, type, id);
    if (dependents.length > 0) {
      const waiting = { version: config.version, for: dependents };
      if (JSON.stringify(previous?.value.waiting) !== JSON.stringify(waiting)) {
        const record: WorkflowRecord = previous ? { ...previous.value, waiting } : { version: 0, action: 'none', jobs: [], waiting };
        await writeRecord(deps, resource, wfKey, previous?.modRevision, record, []);
        deps.log.info({ resource, dependents }, 'delete waits for dependent resources to be deleted first');
      }
      return 'waiting';
    }
  }
  await supersedeOlderWork(type, id, config.version, deps);

  let forceAction: Action | undefined;
  if (opts.retry) {
    const failed = state?.version === config.version && /_FAILED$/.test(state.state.worker_state ?? '');
    const lastAction = previous?.value.action;
    if (!failed || !lastAction || !['create', 'modify', 'delete'].includes(lastAction)) {
      deps.log.info({ resource, state: state?.state.worker_state }, 'retry ignored: the current version has not failed');
      return 'up-to-date';
    }
    if (deps.pending.ofResource(type, id).length > 0) return 'up-to-date';
    forceAction = lastAction as Action;
    deps.log.info({ resource, version: config.version, action: forceAction }, 'retrying the failed workflow');
  }

  // The planned resource sees only what it may reference (tenant-view.ts): another
  // tenant's resource is missing to its mappings and has no jobs for it to wait on.
  const planned = { type, id, body: JSON.parse(config.body) as Record<string, unknown> };
  const plan = () => planWorkflow({
    forceAction,
    type,
    id,
    config,
    stateVersion: state?.version,
    plannedVersion: previous && previous.value.action !== 'none' ? previous.value.version : undefined,
    previousBody: previous?.value.body,
    typeInfo: info,
    relations: deps.relations.current,
    lookup: lookupFor(deps.reader, deps.isShared, planned),
    getTemplate: (t) => deps.reader.getTemplate(t),
    pending: pendingFor(deps.pending, deps.isShared, planned),
  });
  let result = await plan();
  if (result.kind === 'planned') {
    // A referenced resource whose own change was never planned (its event was lost, or
    // is still queued behind this one) has no pending job to wait for, so this workflow
    // would run before its input exists. Plan those first, then plan this one again so
    // the forward rule finds their jobs.
    const planning = opts.planning ?? new Set<string>();
    planning.add(resource);
    let plannedFirst = 0;
    const foreign = await foreignReferences(result.jobs, deps);
    for (const ref of referencedResources(result.jobs)) {
      if (planning.has(ref.key) || foreign.has(ref.key)) continue;
      if (deps.pending.ofResource(ref.type, ref.id).length > 0) continue;
      const known = deps.plannedVersions.get(ref.key);
      if (known !== undefined && known >= ((await deps.reader.getConfig(ref.type, ref.id))?.version ?? Infinity)) continue;
      const outcome = await planChange(ref.type, ref.id, deps, { planning });
      if (outcome === 'planned') plannedFirst++;
    }
    if (plannedFirst > 0) {
      deps.log.info({ resource, plannedFirst }, 'referenced resources planned first');
      result = await plan();
    }
  }
  if (result.kind === 'up-to-date') {
    // A change that runs no job settles through its WorkflowSkipped event alone. If that
    // publish failed after the record was written, the retried event lands here: announce
    // it again (the same message id, so JetStream drops it if the first one went out).
    const r = previous?.value;
    if (r && r.jobs.length === 0 && r.action !== 'none' && !r.waiting && r.version === config.version && (state?.version ?? 0) < r.version) {
      await announceSkipped(deps, type, id, r.version, r.action, r.error ?? '');
    }
    return 'up-to-date';
  }
  // Stored beside the W3C carrier so a user (or esictl trace) finds the change's trace
  // without parsing traceparent; absent when planned outside any trace (the resync).
  const active = otelTrace.getActiveSpan()?.spanContext();
  const traceId = active && isSpanContextValid(active) ? active.traceId : undefined;
  if (result.kind !== 'failed' && result.missingTemplates.length > 0) {
    deps.log.warn({ type, id, templates: result.missingTemplates }, 'templates not in catalog; their handlers are skipped');
  }
  if (result.kind === 'skipped' || result.kind === 'failed') {
    const error = result.kind === 'failed' ? result.error : '';
    if (error) deps.log.warn({ resource, version: result.version, error }, 'change cannot be planned');
    const record: WorkflowRecord = { version: result.version, action: result.action, jobs: [], body: JSON.parse(config.body) as Record<string, unknown> };
    if (error) record.error = error;
    if (traceId) record.trace_id = traceId;
    await writeRecord(deps, resource, wfKey, previous?.modRevision, record, []);
    await announceSkipped(deps, type, id, result.version, result.action, error);
    return result.kind;
  }

  // A foreign key the mappings read without following it still names a resource; when
  // that resource is one this may not reference, it is dropped from the job's params, so
  // that resource's later jobs do not wait for this one either.
  const foreign = await foreignReferences(result.jobs, deps);
  for (const job of result.jobs) for (const p of job.params) p.resources = p.resources.filter((r) => !foreign.has(`${r.resource_type}:${r.resource_id}`));

  const trace: Record<string, string> = {};
  propagation.inject(context.active(), trace);
  const now = Date.now();
  const metas = result.jobs.map((j, i): JobMeta => ({ template_id: result.templateIds[i]!, trace, trace_id: traceId, planned_at_ms: now, dispatched_attempt: 0 }));
  const ops: WriteOp[] = result.jobs.flatMap((j, i) => [
    { put: jobKey(j.id), value: JSON.stringify(storedJobValue(j)) },
    { put: plannerJobMetaKey(j.id), value: JSON.stringify(metas[i]) },
  ]);
  const record: WorkflowRecord = {
    version: result.version,
    action: result.action,
    jobs: result.jobs.map((j) => j.id),
    body: JSON.parse(config.body) as Record<string, unknown>,
    ...(traceId ? { trace_id: traceId } : {}),
  };
  await writeRecord(deps, resource, wfKey, previous?.modRevision, record, ops);
  // Jobs stored; the first ones are dispatched (published) after this returns.
  faultPoint('after-etcd-write', result.action);
  result.jobs.forEach((job, i) => deps.pending.set({ job, meta: metas[i]! }));
  deps.log.info({ resource, version: result.version, action: result.action, jobs: record.jobs }, 'workflow planned');
  return 'planned';
}

async function announceSkipped(deps: PlanDeps, type: string, id: string, version: number, action: string, error: string): Promise<void> {
  await deps.publisher.publish(
    skippedSubject(type, id),
    events.WorkflowSkipped.encode({ resourceType: type, resourceId: id, version, reason: error ? 'planning failed' : 'non-workable', error, action }).finish(),
    MSG_ID.skipped(type, id, version),
  );
}

function referencedResources(jobs: { params: { resources: { resource_type: string; resource_id: string }[] }[] }[]) {
  const refs = new Map<string, { key: string; type: string; id: string }>();
  for (const job of jobs) {
    for (const p of job.params) {
      for (const r of p.resources) {
        const key = `${r.resource_type}:${r.resource_id}`;
        refs.set(key, { key, type: r.resource_type, id: r.resource_id });
      }
    }
  }
  return refs.values();
}

/** The resources the jobs' params name that their resource may not reference (type:id). */
async function foreignReferences(jobs: StoredJob[], deps: PlanDeps): Promise<Set<string>> {
  const foreign = new Set<string>();
  const first = jobs[0];
  if (!first) return foreign;
  for (const ref of referencedResources(jobs)) {
    const cfg = await deps.reader.getConfig(ref.type, ref.id);
    if (cfg && !jobMayReference(first, deps.isShared, ref.type, ref.id, JSON.parse(cfg.body) as Record<string, unknown>)) foreign.add(ref.key);
  }
  return foreign;
}

async function writeRecord(
  deps: PlanDeps,
  resource: string,
  key: string,
  modRevision: string | undefined,
  record: WorkflowRecord,
  ops: WriteOp[],
): Promise<void> {
  const value = JSON.stringify(record);
  const ok = await deps.store.txn([modRevision ? { key, modRevision } : { key, absent: true }], [...ops, { put: key, value }]);
  // A failed comparison can also mean this very transaction was applied: when an etcd
  // member dies after committing it but before answering, the client retries it on
  // another member, where the key has moved on (found by the cluster test). The record
  // names the new jobs (random suffixes), so finding it stored is proof it landed, with
  // the jobs of the same transaction; treated as failed, they would stay in etcd but
  // never reach this planner's pending jobs, and never run.
  const stored = ok ? undefined : await deps.store.getString(key);
  if (!ok && stored?.value !== value) {
    // Only the planner writes these keys and it runs one handler at a time; a conflict
    // means a second planner instance is active.
    throw new Error(`workflow record ${key} changed under the planner; is a second planner running?`);
  }
  notePlanned(deps, resource, record);
}

function notePlanned(deps: PlanDeps, resource: string, record: WorkflowRecord): void {
  if (record.waiting) deps.plannedVersions.delete(resource);
  else deps.plannedVersions.set(resource, Math.max(record.version, deps.plannedVersions.get(resource) ?? 0));
}
