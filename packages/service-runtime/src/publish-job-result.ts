/** Announces a job's end on esi.result.<handler>.<type>.<id>. */
import { MSG_ID, resultSubject, events } from '@esi/contracts';
import type { Publisher } from '@esi/messaging';

export async function publishJobResult(
  publisher: Publisher,
  dispatched: events.JobDispatched,
  outcome: { result?: Record<string, unknown>; error?: string },
): Promise<void> {
  const job = dispatched.job!;
  const failed = outcome.error !== undefined;
  await publisher.publish(
    resultSubject(job.handler, job.resourceType, job.resourceId),
    events.JobResult.encode({
      job,
      outcome: failed ? events.JobOutcome.JOB_OUTCOME_FAILED : events.JobOutcome.JOB_OUTCOME_SUCCEEDED,
      result: outcome.result ?? {},
      error: outcome.error ?? '',
      finishedAtMs: Date.now(),
    }).finish(),
    MSG_ID.result(job.id, dispatched.attempt),
  );
}
