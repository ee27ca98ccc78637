/**
 * Dispatches every pending job whose dependencies have all finished (left /jobs/all)
 * and that was not dispatched yet. The work message continues the trace of the change
 * that planned the job, with a link to whatever event released it.
 */
import { SpanKind, context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { MSG_ID, eventJobFromStored, workSubject, events } from '@esi/contracts';
import type { SharedTypes } from '@esi/catalog';
import type { Publisher } from '@esi/messaging';
import { faultPoint } from '@esi/service-runtime';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { MetaWrites } from './meta-writes.js';
import type { PendingJob, PendingJobs } from './pending-jobs.js';
import { OutputMissingError, resolveOutputs } from './resolve-outputs.js';
import type { SeenOutputs } from './seen-outputs.js';

export interface DispatchDeps {
  store: OwnedStore;
  pending: PendingJobs;
  publisher: Publisher;
  tracer: Tracer;
  log: Logger;
  pluralOf: (type: string) => string;
  /** Shared infrastructure types: a job's stack outputs come only from what it may reference. */
  isShared: SharedTypes;
  metaWrites: MetaWrites;
  /** Stack outputs as heat results reported them (seen-outputs.ts). */
  seenOutputs: SeenOutputs;
  /** Jobs being dispatched now: handlers run side by side, and each dispatches all that is ready. */
  dispatching: Set<string>;
}

/**
 * Jobs to dispatch now: every job whose dependencies have all finished and that was not
 * dispatched yet; with `redispatchAfterMs` (the resync), also jobs dispatched that long
 * ago and still unfinished — their work message may have been lost. Workers are
 * idempotent, so a second attempt of a job that was merely slow does no harm.
 */
export function readyJobs(pending: PendingJobs, now = Date.now(), redispatchAfterMs?: number): PendingJob[] {
  // Every event asks this; without the redispatch clause the index answers it without
  // scanning every pending job (pending-jobs.ts). The resync still scans them all.
  if (redispatchAfterMs === undefined) return pending.undispatchedReady();
  return [...pending.all()].filter((p) => {
    if (pending.isHeld(p.job.id) || !pending.isOwn(p.job)) return false;
    if (!p.job.dependency.every((d) => !pending.has(d))) return false;
    if (p.meta.dispatched_attempt === 0) return true;
    return now - (p.meta.dispatched_at_ms ?? 0) > redispatchAfterMs;
  });
}

/**
 * Whether a resync pass has jobs to (re)dispatch: one ready and undispatched
 * `redispatchAfterMs` after it was planned (the handler that should have dispatched it
 * failed), or dispatched (or recorded) that long ago and still unfinished. A pass that
 * finds none and nothing unplanned takes no turn alone (active-planner.ts): that turn
 * waits for every running handler and holds back new ones, a stall of the whole planner
 * under load every resync interval. A job about to be dispatched by a running handler is
 * younger than that, so it does not count.
 */
export function dispatchOverdue(pending: PendingJobs, now: number, redispatchAfterMs: number): boolean {
  // readyJobs counts an undispatched ready job at any age; here only a stuck one does.
  return readyJobs(pending, now, redispatchAfterMs).some((p) => p.meta.dispatched_attempt > 0 || now - p.meta.planned_at_ms > redispatchAfterMs);
}

/** Dispatches in flight at once (a resync after an outage may find thousands ready). */
const DISPATCH_AT_ONCE = 32;

export async function dispatchReady(deps: DispatchDeps, redispatchAfterMs?: number): Promise<number> {
  // Recorded first (dispatch-records.ts), published now with the attempt recorded; then
  // jobs whose dispatch is recorded after the message (attempt + 1 through MetaWrites).
  const recorded = deps.pending.unsentReady().filter((p) => !deps.dispatching.has(p.job.id));
  const ready = [...recorded, ...readyJobs(deps.pending, Date.now(), redispatchAfterMs).filter((p) => !deps.pending.isUnsent(p.job.id) && !deps.dispatching.has(p.job.id))];
  for (const p of ready) deps.dispatching.add(p.job.id);
  for (const p of ready.slice(recorded.length)) {
    if (p.meta.dispatched_attempt > 0) deps.log.warn({ job: p.job.id, attempt: p.meta.dispatched_attempt + 1 }, 'job unfinished long after dispatch; dispatching again');
  }
  // Ready jobs are independent of each other (a job is ready only once every job it
  // depends on has finished), so they are dispatched together, DISPATCH_AT_ONCE at a
  // time, rather than one round trip after another. A job whose dispatch fails stays
  // undispatched and the first failure is rethrown, so the event is retried as before.
  try {
    for (let i = 0; i < ready.length; i += DISPATCH_AT_ONCE) {
      const outcomes = await Promise.allSettled(ready.slice(i, i + DISPATCH_AT_ONCE).map((p) => dispatchOne(p, deps)));
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    }
  } finally {
    for (const p of ready) deps.dispatching.delete(p.job.id);
  }
  return ready.length;
}

async function dispatchOne(p: PendingJob, deps: DispatchDeps): Promise<void> {
  const parent = propagation.extract(context.active(), p.meta.trace);
  const releasedBy = trace.getActiveSpan()?.spanContext();
  const span = deps.tracer.startSpan(
    `dispatch ${p.job.action}:${p.job.handler}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: { 'esi.job.id': p.job.id, 'esi.resource.type': p.job.resource_type, 'esi.resource.id': p.job.resource_id },
      links: releasedBy ? [{ context: releasedBy }] : [],
    },
    parent,
  );
  await context.with(trace.setSpan(parent, span), async () => {
    try {
      let resolved: Record<string, unknown> = {};
      let resolutionError = '';
      try {
        resolved = await resolveOutputs(p.job, deps.store, deps.pluralOf, deps.isShared, deps.seenOutputs);
      } catch (err) {
        if (!(err instanceof OutputMissingError)) throw err;
        resolutionError = err.message;
      }
      const recorded = deps.pending.isUnsent(p.job.id);
      const attempt = recorded ? p.meta.dispatched_attempt : p.meta.dispatched_attempt + 1;
      await deps.publisher.publish(
        workSubject(p.job.handler),
        events.JobDispatched.encode({
          job: eventJobFromStored(p.job),
          templateId: p.meta.template_id,
          templateRevision: p.meta.template_revision ?? '',
          resolvedParams: resolved,
          attempt,
          dispatchedAtMs: Date.now(),
          resolutionError,
        }).finish(),
        MSG_ID.work(p.job.id, attempt),
      );
      // Dispatched; the config or result message that released it is acked later.
      faultPoint('after-publish', p.job.action);
      if (recorded) {
        deps.pending.markSent(p.job.id);
      } else {
        p.meta.dispatched_attempt = attempt;
        p.meta.dispatched_at_ms = Date.now();
        deps.metaWrites.write(p.job.id, p.meta);
      }
      deps.log.info({ job: p.job.id }, 'job dispatched');
    } finally {
      span.end();
    }
  });
}
