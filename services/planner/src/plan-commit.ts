/**
 * How a plan is stored: the jobs, their bookkeeping and the workflow record in one
 * transaction guarded by the record's revision; a plan without jobs as a record and a
 * WorkflowSkipped event.
 */
import { context, propagation } from '@opentelemetry/api';
import { MSG_ID, events, jobKey, plannerJobMetaKey, skippedSubject, storedJobValue, type JobMeta, type StoredJob, type WorkflowRecord } from '@esi/contracts';
import { RetryableError } from '@esi/messaging';
import { faultPoint } from '@esi/service-runtime';
import type { Expect, WriteOp } from '@esi/store';
import type { PlanDeps } from './plan-change.js';
import type { Current } from './plan-guards.js';
import { firstDispatch } from './dispatch-records.js';
import { marksFor } from './partition-marks.js';
import { dropForeignReferences } from './plan-references.js';

/** The workflow record was not what planning read (or took absent). */
export class RecordConflictError extends Error {
  override readonly name = 'RecordConflictError';
}

/**
 * The commit found a config or template that planning took from the kept copies changed
 * since (config-reader.ts): those copies are dropped, and the change is planned again
 * from fresh reads (retryable: should that keep failing, the event comes again).
 */
export class StaleCopyError extends RetryableError {
  override readonly name = 'StaleCopyError';
}

/** A held job this plan depends on was dropped by its plan (which plans again): plan this one again too. */
export class HeldDependencyDroppedError extends Error {
  override readonly name = 'HeldDependencyDroppedError';
}

/**
 * Another partition's planner stored jobs this plan's dependencies should have seen
 * (partition-marks.ts): plan again once the view of its jobs has caught up.
 */
export class PartitionConflictError extends Error {
  override readonly name = 'PartitionConflictError';
}

/** What commitJobs stores of a plan. */
export interface PlannedJobs {
  version: number;
  action: string;
  jobs: StoredJob[];
  templateIds: string[];
}

/** `viewRevision`: how far the view of other partitions' jobs went when the plan was computed (partition-marks.ts). */
export async function commitJobs(current: Current, result: PlannedJobs, traceId: string | undefined, deps: PlanDeps, viewRevision?: string): Promise<void> {
  await dropForeignReferences(result.jobs, deps);
  const planned = new Set(result.jobs.map((j) => j.id));
  // Jobs of a plan beside this one, claimed but not stored yet: this commit follows theirs.
  // That commit can be refused (a stale kept copy, another partition's jobs) and planned
  // again with new job ids; a plan stored with the old ids would wait for jobs that never
  // exist, so it is planned again too.
  const heldDeps = [...new Set(result.jobs.flatMap((j) => j.dependency))].filter((d) => !planned.has(d) && deps.pending.isHeld(d));
  const stored = await Promise.all(heldDeps.map((d) => deps.pending.whenStored(d)));
  if (stored.includes(false)) throw new HeldDependencyDroppedError(`${current.resource}: a job it waits for was not stored`);
  const marks = viewRevision === undefined ? { expects: [], ops: [] } : marksFor(result.jobs, deps.partitions, viewRevision);
  const trace: Record<string, string> = {};
  propagation.inject(context.active(), trace);
  const now = Date.now();
  // Ready at once: it waits for no pending job and no job of its own workflow.
  const readyAtOnce = (j: StoredJob) => j.dependency.every((d) => !deps.pending.has(d) && !planned.has(d));
  const metas = result.jobs.map((j, i): JobMeta => {
    const meta: JobMeta = { template_id: result.templateIds[i]!, template_revision: deps.reader.templateRevision(result.templateIds[i]!), trace, trace_id: traceId, planned_at_ms: now, dispatched_attempt: 0 };
    return readyAtOnce(j) ? firstDispatch(meta, now) : meta;
  });
  const ops: WriteOp[] = result.jobs.flatMap((j, i) => [
    { put: jobKey(j.id), value: JSON.stringify(storedJobValue(j)) },
    { put: plannerJobMetaKey(j.id), value: JSON.stringify(metas[i]) },
  ]);
  const record: WorkflowRecord = {
    version: result.version,
    action: result.action,
    jobs: result.jobs.map((j) => j.id),
    body: JSON.parse(current.config.body) as Record<string, unknown>,
    ...(traceId ? { trace_id: traceId } : {}),
  };
  await writeRecord(deps, current, record, [...ops, ...marks.ops], marks.expects);
  // Jobs stored; the first ones are dispatched (published) after this returns.
  faultPoint('after-etcd-write', result.action);
  result.jobs.forEach((job, i) => {
    deps.pending.set({ job, meta: metas[i]! });
    if (metas[i]!.dispatched_attempt > 0) deps.pending.markUnsent(job.id);
  });
  deps.log.info({ resource: current.resource, version: result.version, action: result.action, jobs: record.jobs }, 'workflow planned');
}

/** A change that runs no job (skipped, or failed to plan): its record, then its WorkflowSkipped event. */
export async function commitWithoutJobs(
  current: Current,
  result: { version: number; action: string; error: string },
  traceId: string | undefined,
  deps: PlanDeps,
): Promise<void> {
  const { version, action, error } = result;
  if (error) deps.log.warn({ resource: current.resource, version, error }, 'change cannot be planned');
  const record: WorkflowRecord = { version, action, jobs: [], body: JSON.parse(current.config.body) as Record<string, unknown> };
  if (error) record.error = error;
  if (traceId) record.trace_id = traceId;
  await writeRecord(deps, current, record, []);
  await announceSkipped(deps, current.type, current.id, version, action, error);
}

export async function announceSkipped(deps: PlanDeps, type: string, id: string, version: number, action: string, error: string): Promise<void> {
  await deps.publisher.publish(
    skippedSubject(type, id),
    events.WorkflowSkipped.encode({ resourceType: type, resourceId: id, version, reason: error ? 'planning failed' : 'non-workable', error, action }).finish(),
    MSG_ID.skipped(type, id, version),
  );
}

/** Stores the record (with `ops`) if it is still the one planning read, and `expects` hold. */
export async function writeRecord(deps: PlanDeps, current: Current, record: WorkflowRecord, ops: WriteOp[], expects: Expect[] = []): Promise<void> {
  const key = current.wfKey;
  const modRevision = current.previous?.modRevision;
  const value = JSON.stringify(record);
  const kept = deps.reader.keptExpects();
  const ok = await deps.store.txn([modRevision ? { key, modRevision } : { key, absent: true }, ...kept, ...expects], [...ops, { put: key, value }]);
  // A failed comparison can also mean this very transaction was applied: when an etcd
  // member dies after committing it but before answering, the client retries it on
  // another member, where the key has moved on (found by the cluster test). The record
  // names the new jobs (random suffixes), so finding it stored is proof it landed, with
  // the jobs of the same transaction; treated as failed, they would stay in etcd but
  // never reach this planner's pending jobs, and never run.
  const stored = ok ? undefined : await deps.store.getString(key);
  // The record is as planning read it: a kept copy may have been stale (which comparison
  // failed, etcd does not say: planning again from reads finds out), or other partitions
  // stored jobs meanwhile.
  if (!ok && kept.length > 0 && stored?.modRevision === modRevision && stored?.value !== value) {
    deps.reader.forgetKeptUsed();
    throw new StaleCopyError(`${current.resource}: a config or template planning took from a kept copy changed meanwhile`);
  }
  if (!ok && expects.length > 0 && stored?.modRevision === modRevision) {
    throw new PartitionConflictError(`${current.resource}: another partition stored jobs this plan depends on meanwhile`);
  }
  if (!ok && stored?.value !== value) {
    // Only the planner writes these keys, and one change of a resource at a time
    // (planner-line.ts); a conflict means the record was taken absent and is not
    // (plan-guards.ts), or a second planner instance is active.
    throw new RecordConflictError(`workflow record ${key} changed under the planner; is a second planner running?`);
  }
  notePlanned(deps, current.resource, record);
}

export function notePlanned(deps: PlanDeps, resource: string, record: WorkflowRecord): void {
  if (record.waiting) deps.plannedVersions.delete(resource);
  else deps.plannedVersions.set(resource, Math.max(record.version, deps.plannedVersions.get(resource) ?? 0));
}
