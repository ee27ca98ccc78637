/**
 * Announces a job's end on esi.result.<handler>.<type>.<id>. Every worker ends its jobs
 * here, so this is where job outcomes and latency (dispatch → result) are counted.
 */
import { MSG_ID, resultSubject, events } from '@esi/contracts';
import type { Publisher } from '@esi/messaging';
import { recordJobOutcome } from '@esi/telemetry';
import { faultPoint } from './fault-point.js';

export async function publishJobResult(
  publisher: Publisher,
  dispatched: events.JobDispatched,
  outcome: { result?: Record<string, unknown>; error?: string },
): Promise<void> {
  const job = dispatched.job!;
  const failed = outcome.error !== undefined;
  const finishedAtMs = Date.now();
  const published = await publisher.publish(
    resultSubject(job.handler, job.resourceType, job.resourceId),
    events.JobResult.encode({
      job,
      outcome: failed ? events.JobOutcome.JOB_OUTCOME_FAILED : events.JobOutcome.JOB_OUTCOME_SUCCEEDED,
      result: outcome.result ?? {},
      error: outcome.error ?? '',
      finishedAtMs,
    }).finish(),
    MSG_ID.result(job.id, dispatched.attempt),
  );
  // Published, and the work message not yet acked (workers ack when their handler returns).
  faultPoint('after-publish', job.action);
  // A duplicate is the same result published again after a redelivery: counted once.
  if (published.duplicate) return;
  const dispatchedAt = Number(dispatched.dispatchedAtMs);
  const seconds = dispatchedAt > 0 ? Math.max(0, finishedAtMs - dispatchedAt) / 1000 : undefined;
  recordJobOutcome(job, failed ? 'failed' : 'succeeded', seconds);
}
