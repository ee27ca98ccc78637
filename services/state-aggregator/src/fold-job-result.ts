/**
 * Folds one job result into the resource's job_state and, for the workflow's last job
 * (or a failed one), writes /state and announces it. Idempotent: a redelivered result
 * merges the same members again, and a result older than /state is dropped.
 */
import { SLICES,
  MSG_ID,
  jobStateKey,
  stateKey,
  stateSubject,
  events,
  type StateValue,
} from '@esi/contracts';
import type { Publisher } from '@esi/messaging';
import { faultPoint } from '@esi/service-runtime';
import type { OwnedStore } from '@esi/store';
import { recordChangeSettled, type Logger } from '@esi/telemetry';
import { RetryableError } from '@esi/messaging';
import { stateValue, workerStateFor, type JobState } from './state-value.js';

export interface FoldDeps {
  store: OwnedStore;
  publisher: Publisher;
  log: Logger;
  pluralOf: (type: string) => string;
}

export async function foldJobResult(result: events.JobResult, deps: FoldDeps): Promise<void> {
  const job = result.job;
  if (!job) return;
  const plural = deps.pluralOf(job.resourceType);
  const sKey = stateKey(plural, job.resourceId);
  const jsKey = jobStateKey(plural, job.resourceId);

  // Both reads go out together (one round trip): job_state is unused only on the rare
  // paths that drop the result.
  const [current, existing] = await Promise.all([deps.store.read(sKey, SLICES.state.parse), deps.store.getJson<JobState>(jsKey)]);
  if (current && current.value.version > job.version) {
    deps.log.info({ job: job.id, stateVersion: current.value.version }, 'stale result dropped');
    return;
  }
  // A settled version ignores further results (redeliveries), except that a FAILED one
  // may be replaced by the results of a retry.
  if (current && current.value.version === job.version && isFinal(current.value) && !/_FAILED$/.test(current.value.state.worker_state ?? '')) {
    deps.log.debug({ job: job.id }, 'workflow already settled; duplicate result ignored');
    // The first delivery may have written /state and died before announcing it: announce
    // again (the same message id, so JetStream drops it if the first one went out).
    if (job.isLast) await announce(deps, job, current.value.state.worker_state ?? '', current.value.error ?? '');
    return;
  }

  const failed = result.outcome === events.JobOutcome.JOB_OUTCOME_FAILED && job.onFailure !== 'ignore';
  // The first job of a workflow starts a fresh job_state (the original set it to {}),
  // so members left by a superseded or failed workflow never leak into this one.
  const base = job.isFirst ? {} : (existing?.value ?? {});
  const merged: JobState = { ...base, ...(result.result ?? {}) };

  if (!job.isLast && !failed) {
    const ok = await deps.store.txn(
      [existing ? { key: jsKey, modRevision: existing.modRevision } : { key: jsKey, absent: true }],
      [{ put: jsKey, value: JSON.stringify(merged) }],
    );
    if (!ok) throw new RetryableError(`job_state of ${job.resourceType}:${job.resourceId} changed concurrently`);
    return;
  }

  const workerState = workerStateFor(job.action, failed);
  // Two writes, as the seed shows them: the merged job_state first, compare-and-swapped
  // on the revision read (checkpoint 5 holds it), then /state written and job_state
  // removed together in a second transaction (checkpoint 6).
  const casOk = await deps.store.txn(
    [existing ? { key: jsKey, modRevision: existing.modRevision } : { key: jsKey, absent: true }],
    [{ put: jsKey, value: JSON.stringify(merged) }],
  );
  if (!casOk) throw new RetryableError(`job_state of ${job.resourceType}:${job.resourceId} changed concurrently`);
  const value = stateValue(merged, workerState, job.version, failed ? result.error || 'job failed' : '');
  // One commit (one fsync, one round trip) where a put and a delete took two.
  await deps.store.txn([], [{ put: sKey, value: JSON.stringify(value) }, { delete: jsKey }]);
  recordChangeSettled(job.resourceType, workerState);
  faultPoint('after-etcd-write', changeKind(job));

  await announce(deps, job, workerState, value.error);
  // Announced; the result message is acked when this handler returns.
  faultPoint('after-publish', changeKind(job));
  deps.log.info({ resource: `${job.resourceType}:${job.resourceId}`, version: job.version, workerState }, 'state written');
}

/**
 * The kind of change a workflow's last job ends, for aiming test faults: a modify
 * workflow ends with a monitoring create, so a later version not ending in a delete
 * is an update.
 */
function changeKind(job: events.Job): string {
  if (job.action === 'delete' || job.action === 'logical_delete') return 'delete';
  return Number(job.version) > 1 ? 'update' : job.action;
}

function isFinal(v: StateValue): boolean {
  return /_(COMPLETED|FAILED)$|^READ_COMPLETE$/.test(v.state.worker_state ?? '');
}

async function announce(deps: FoldDeps, job: events.Job, workerState: string, error: string): Promise<void> {
  await deps.publisher.publish(
    stateSubject(job.resourceType, job.resourceId),
    events.StateChanged.encode({
      resourceType: job.resourceType,
      resourceId: job.resourceId,
      version: job.version,
      workerState,
      error,
      changedAtMs: Date.now(),
    }).finish(),
    MSG_ID.state(job.resourceType, job.resourceId, job.version, workerState),
  );
}
