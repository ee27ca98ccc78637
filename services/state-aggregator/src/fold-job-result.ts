/**
 * Folds one job result into the resource's job_state and, for the workflow's last job
 * (or a failed one), writes /state and announces it. Idempotent: a redelivered result
 * merges the same members again, and a result older than /state is dropped.
 */
import { SLICES, events, isSucceededWorkerState, jobStateKey, stateKey, workerStateFor } from '@esi/contracts';
import { RetryableError, type Publisher } from '@esi/messaging';
import { faultPoint } from '@esi/service-runtime';
import type { OwnedStore } from '@esi/store';
import { recordChangeSettled, type Logger } from '@esi/telemetry';
import { announceState } from './announce-state.js';
import { expectAsKnown, type Known, type KnownState } from './known-state.js';
import { stateValue, type JobState } from './state-value.js';

export interface FoldDeps {
  store: OwnedStore;
  publisher: Publisher;
  log: Logger;
  pluralOf: (type: string) => string;
  /** What was last read or written of each resource's /state and job_state (known-state.ts). */
  known: KnownState;
}

const NOTHING_YET: Known = { state: undefined, jobState: undefined };

/** A fold ended, or found /state or job_state not as it knew them (nothing written then, or only the merge). */
type Folded = 'done' | 'conflict';

export async function foldJobResult(result: events.JobResult, deps: FoldDeps): Promise<void> {
  const job = result.job;
  if (!job) return;
  const plural = deps.pluralOf(job.resourceType);
  const keys = { resource: `${job.resourceType}:${job.resourceId}`, state: stateKey(plural, job.resourceId), jobState: jobStateKey(plural, job.resourceId) };

  // A new resource's first result (version 1) finds neither key in the usual case: the
  // api created it only where /state was absent. Guessed so, the comparison checks it.
  const remembered = deps.known.get(keys.resource) ?? (job.isFirst && job.version === 1 ? NOTHING_YET : undefined);
  if (remembered) {
    if ((await foldAgainst(remembered, result, job, keys, deps)) === 'done') return;
    // The copy was stale: forget it and fold against what etcd holds.
    deps.known.delete(keys.resource);
    deps.log.debug({ resource: keys.resource }, 'known state was stale; reading it');
  }
  // Both reads go out together (one round trip): job_state is unused only on the rare
  // paths that drop the result.
  const [state, jobState] = await Promise.all([deps.store.read(keys.state, SLICES.state.parse), deps.store.getJson<JobState>(keys.jobState)]);
  const read: Known = { state, jobState };
  deps.known.set(keys.resource, read);
  if ((await foldAgainst(read, result, job, keys, deps)) === 'conflict') {
    deps.known.delete(keys.resource);
    throw new RetryableError(`state of ${keys.resource} changed concurrently`);
  }
}

async function foldAgainst(
  { state: current, jobState: existing }: Known,
  result: events.JobResult,
  job: events.Job,
  keys: { resource: string; state: string; jobState: string },
  deps: FoldDeps,
): Promise<Folded> {
  if (current && current.value.version > job.version) {
    deps.log.info({ job: job.id, stateVersion: current.value.version }, 'stale result dropped');
    return 'done';
  }
  // A settled version ignores further results (redeliveries), except that a FAILED one
  // may be replaced by the results of a retry.
  if (current && current.value.version === job.version && isSucceededWorkerState(current.value.state.worker_state)) {
    deps.log.debug({ job: job.id }, 'workflow already settled; duplicate result ignored');
    // The first delivery may have written /state and died before announcing it: announce
    // again (the same message id, so JetStream drops it if the first one went out).
    if (job.isLast) await announce(deps, job, current.value.state.worker_state ?? '', current.value.error ?? '');
    return 'done';
  }

  const failed = result.outcome === events.JobOutcome.JOB_OUTCOME_FAILED && job.onFailure !== 'ignore';
  // The first job of a workflow starts a fresh job_state (the original set it to {}),
  // so members left by a superseded or failed workflow never leak into this one.
  const base = job.isFirst ? {} : (existing?.value ?? {});
  const merged: JobState = { ...base, ...(result.result ?? {}) };
  // Every write compares both keys with what this fold knows of them: a stale copy in
  // `known` then writes nothing and is read again.
  const asKnown = [expectAsKnown(keys.jobState, existing), expectAsKnown(keys.state, current)];
  const mergedAt = await deps.store.txnAt(asKnown, [{ put: keys.jobState, value: JSON.stringify(merged) }]);
  if (mergedAt === undefined) return 'conflict';
  const jobState = { value: merged, modRevision: mergedAt };
  if (!job.isLast && !failed) {
    deps.known.set(keys.resource, { state: current, jobState });
    return 'done';
  }

  const workerState = workerStateFor(job.action, failed);
  // Two writes, as the seed shows them: the merged job_state first (above; checkpoint 5
  // holds it), then /state written and job_state removed together in a second
  // transaction (checkpoint 6): one commit, one round trip, where a put and a delete took two.
  const value = stateValue(merged, workerState, job.version, failed ? result.error || 'job failed' : '');
  const settledAt = await deps.store.txnAt(
    [expectAsKnown(keys.jobState, jobState), expectAsKnown(keys.state, current)],
    [{ put: keys.state, value: JSON.stringify(value) }, { delete: keys.jobState }],
  );
  if (settledAt === undefined) return 'conflict';
  deps.known.set(keys.resource, { state: { value, modRevision: settledAt }, jobState: undefined });
  recordChangeSettled(job.resourceType, workerState);
  faultPoint('after-etcd-write', changeKind(job));

  await announce(deps, job, workerState, value.error);
  // Announced; the result message is acked when this handler returns.
  faultPoint('after-publish', changeKind(job));
  deps.log.info({ resource: keys.resource, version: job.version, workerState }, 'state written');
  return 'done';
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

function announce(deps: FoldDeps, job: events.Job, workerState: string, error: string): Promise<void> {
  return announceState(deps.publisher, { resourceType: job.resourceType, resourceId: job.resourceId, version: job.version, workerState, error });
}
