/**
 * Turns one resource change into stored jobs: reads what planning needs from etcd,
 * passes the guards (a delete waits for its dependents, a retry needs a failure), plans
 * with @esi/planning (referenced resources first when they were never planned), and
 * commits the jobs, their bookkeeping and the workflow record in one transaction.
 * Changes that run no job are announced as skipped.
 */
import { isSpanContextValid, trace as otelTrace } from '@opentelemetry/api';
import type { SharedTypes } from '@esi/catalog';
import { SLICES, type ConfigValue, type StoredJob } from '@esi/contracts';
import type { Relations } from '@esi/mapping';
import { RetryableError, type Publisher } from '@esi/messaging';
import { planWorkflow, type Action, type ResourceTypeInfo } from '@esi/planning';
import type { OwnedStore, Versioned } from '@esi/store';
import { recordReplan, type Logger } from '@esi/telemetry';
import type { ConfigReader } from './config-reader.js';
import type { ForeignJobs } from './foreign-jobs.js';
import type { Partitions } from './partitions.js';
import type { PendingJobs } from './pending-jobs.js';
import { announceSkipped, commitJobs, commitWithoutJobs, HeldDependencyDroppedError, PartitionConflictError, RecordConflictError, StaleCopyError } from './plan-commit.js';
import { deleteWaitsForDependents, readCurrent, retryAction, type Current } from './plan-guards.js';
import { planReferencedFirst } from './plan-references.js';
import { supersedeOlderWork } from './supersede.js';
import { lookupFor, pendingFor } from './tenant-view.js';

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
  /** Which resources this planner plans (partitions.ts). */
  partitions: Partitions;
  /** With partitions: the other partitions' jobs, followed from etcd (foreign-jobs.ts). */
  foreign?: ForeignJobs;
}

export type PlanOutcome = 'planned' | 'skipped' | 'failed' | 'up-to-date' | 'gone' | 'waiting';

export interface PlanOptions {
  /** Run the failed workflow of the current version again (a client asked to retry). */
  retry?: boolean;
  /** Resources being planned further up this call chain (guards reference cycles). */
  planning?: Set<string>;
  /**
   * The change event says version 1: a new resource, whose state and workflow record
   * are taken absent rather than read (two gets); a conflict at the commit reads them.
   */
  newResource?: boolean;
  /**
   * The config as the change event carries it (the api's write, at its revision): a new
   * resource is planned from it without reading it back, and the commit requires the
   * key still at that revision (a kept copy: planned again from reads when it is not).
   */
  told?: Versioned<ConfigValue>;
  /**
   * Planned beside other handlers (planner-line.ts): a referenced resource that must be
   * planned first may be being planned beside it, so the change asks to run alone.
   */
  beside?: boolean;
}

/** Plans again after a conflict with another partition this many times, then lets the event be redelivered. */
const PARTITION_CONFLICT_TRIES = 4;
/** Plans again this many times when a held job it waited for was dropped (that plan is planned again too). */
const HELD_DROPPED_TRIES = 4;
/** Computes a plan again this many times when jobs it should wait for were claimed meanwhile. */
const PLAN_AGAIN_TRIES = 3;
/** Plans again from fresh reads this many times when a kept copy it used was stale. */
const STALE_COPY_TRIES = 3;
/** How long a plan waits for its view of other partitions to catch up after a conflict. */
const CATCH_UP_MS = 10_000;

export async function planChange(type: string, id: string, deps: PlanDeps, opts: PlanOptions = {}): Promise<PlanOutcome> {
  let conflicts = 0;
  let dropped = 0;
  let stale = 0;
  for (;;) {
    try {
      return await planOnce(type, id, deps, opts);
    } catch (err) {
      // The copies it used are dropped: a reader for this event reads them afresh.
      if (err instanceof StaleCopyError && ++stale < STALE_COPY_TRIES) {
        recordReplan('stale_copy');
        deps = { ...deps, reader: deps.reader.forEvent() };
        opts = { ...opts, told: undefined };
        continue;
      }
      // The plan it waited for is planned again: so is this one, at once (its jobs are now held again, or not).
      if (err instanceof HeldDependencyDroppedError && ++dropped < HELD_DROPPED_TRIES) {
        recordReplan('held_dependency_dropped');
        continue;
      }
      if (!(err instanceof PartitionConflictError) || !deps.foreign || ++conflicts >= PARTITION_CONFLICT_TRIES) throw err;
      recordReplan('partition_conflict');
      // Plan again once the view holds everything etcd held at the conflict.
      const now = (await deps.store.range({ key: SLICES.plannerWorkflows.prefix }, { limit: 1 })).revision;
      deps.log.debug({ resource: `${type}:${id}`, revision: now }, 'another partition stored jobs meanwhile; planning again');
      if (!(await deps.foreign.caughtUp(now, CATCH_UP_MS))) throw new RetryableError(`view of other partitions' jobs not at revision ${now} after ${CATCH_UP_MS} ms`);
    }
  }
}

async function planOnce(type: string, id: string, deps: PlanDeps, opts: PlanOptions): Promise<PlanOutcome> {
  try {
    const asNew = (opts.newResource ?? false) && !opts.retry;
    return await planFrom(await readCurrent(type, id, deps, asNew, asNew ? opts.told : undefined), deps, opts);
  } catch (err) {
    // Taken absent, the record was there: this change was planned already (a redelivery).
    if (!(err instanceof RecordConflictError) || !opts.newResource) throw err;
    deps.log.debug({ resource: `${type}:${id}` }, 'new resource already planned; reading its record');
    return planFrom(await readCurrent(type, id, deps), deps, { ...opts, newResource: false });
  }
}

async function planFrom(current: Current | undefined, deps: PlanDeps, opts: PlanOptions): Promise<PlanOutcome> {
  if (!current) return 'gone';
  const { type, id } = current;
  if (await deleteWaitsForDependents(current, deps)) return 'waiting';
  await supersedeOlderWork(type, id, current.config.version, deps);
  const forceAction = retryAction(current, deps, opts.retry ?? false);
  if (forceAction === 'not-failed') return 'up-to-date';

  // The jobs a plan claims are held in the pending jobs (seen by other changes' planning)
  // until the commit stores them; whatever ends this otherwise forgets them.
  const claimed: string[] = [];
  // How far the view of other partitions' jobs went when the dependencies were computed.
  let viewRevision: string | undefined;
  // Which pending jobs the dependencies were computed against.
  let computedAt: number | undefined;
  const claim = (jobs: StoredJob[]) => {
    computedAt = deps.pending.mark();
    deps.pending.hold(jobs);
    claimed.push(...jobs.map((j) => j.id));
    viewRevision = deps.foreign?.appliedRevision;
  };
  const plan = () => planCurrent(current, forceAction, deps, claim);
  try {
    let result = await plan();
    // Before a referenced resource is planned from here, this plan's held jobs go: that
    // plan would wait for them (they read it), while this one waits for that one.
    let released = false;
    const release = () => {
      deps.pending.dropHeld(claimed);
      released = true;
    };
    // A plan beside this one may claim a referenced resource's jobs between this one's
    // computation and the check: computed again then, a few times at most.
    for (let again = 0; result.kind === 'planned' && again < PLAN_AGAIN_TRIES; again++) {
      const refs = await planReferencedFirst(current.resource, result.jobs, deps, opts, planChange, release, computedAt);
      if (refs.plannedFirst === 0 && !refs.missedJobs && !released) break;
      if (refs.missedJobs) recordReplan('dependencies_claimed');
      deps.pending.dropHeld(claimed);
      result = await plan();
      if (refs.plannedFirst > 0 || released) break;
    }
    if (result.kind === 'up-to-date') {
      await reannounceSkipped(current, deps);
      return 'up-to-date';
    }
    if (result.kind !== 'failed' && result.missingTemplates.length > 0) {
      deps.log.warn({ type, id, templates: result.missingTemplates }, 'templates not in catalog; their handlers are skipped');
    }
    // Stored beside the W3C carrier so a user (or esictl trace) finds the change's trace
    // without parsing traceparent; absent when planned outside any trace (the resync).
    const active = otelTrace.getActiveSpan()?.spanContext();
    const traceId = active && isSpanContextValid(active) ? active.traceId : undefined;
    if (result.kind === 'skipped' || result.kind === 'failed') {
      await commitWithoutJobs(current, result.kind === 'failed' ? result : { ...result, error: '' }, traceId, deps);
      return result.kind;
    }
    await commitJobs(current, result, traceId, deps, viewRevision);
    return 'planned';
  } finally {
    deps.pending.dropHeld(claimed);
  }
}

/** The workflow for the resource as it is now; the resource sees only what it may reference (tenant-view.ts). */
function planCurrent({ type, id, info, config, state, previous }: Current, forceAction: Action | undefined, deps: PlanDeps, claim: (jobs: StoredJob[]) => void) {
  const planned = { type, id, body: JSON.parse(config.body) as Record<string, unknown> };
  return planWorkflow({
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
    claim,
  });
}

/**
 * A change that runs no job settles through its WorkflowSkipped event alone. If that
 * publish failed after the record was written, the retried event lands here: announce it
 * again (the same message id, so JetStream drops it if the first one went out).
 */
async function reannounceSkipped({ type, id, config, state, previous }: Current, deps: PlanDeps): Promise<void> {
  const r = previous?.value;
  if (r && r.jobs.length === 0 && r.action !== 'none' && !r.waiting && r.version === config.version && (state?.version ?? 0) < r.version) {
    await announceSkipped(deps, type, id, r.version, r.action, r.error ?? '');
  }
}
