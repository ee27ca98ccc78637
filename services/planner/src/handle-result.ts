/**
 * A job ended: it leaves /jobs/all (as in the original), and so may release jobs that
 * waited for it. A failed job with on_failure "fail" ends its workflow: the workflow's
 * remaining jobs are removed too (new behaviour; the original never showed a failure).
 */
import { jobKey, plannerJobMetaKey, events, type JobMeta } from '@esi/contracts';
import { RetryableError } from '@esi/messaging';
import type { OwnedStore, WriteOp } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { MetaWrites } from './meta-writes.js';
import { firstDispatch } from './dispatch-records.js';
import type { PendingJob, PendingJobs } from './pending-jobs.js';

export async function finishJob(
  result: events.JobResult,
  deps: { store: OwnedStore; pending: PendingJobs; log: Logger; metaWrites: MetaWrites },
): Promise<void> {
  const job = result.job;
  if (!job || !deps.pending.has(job.id)) return;
  const failed = result.outcome === events.JobOutcome.JOB_OUTCOME_FAILED && job.onFailure !== 'ignore';
  const ids = [job.id];
  if (failed) {
    for (const p of deps.pending.all()) {
      if (p.job.job_name === job.jobName && p.job.id !== job.id) ids.push(p.job.id);
    }
    deps.log.warn({ job: job.id, error: result.error, dropped: ids.slice(1) }, 'job failed; workflow stopped');
  }
  // A dispatch record still being written would otherwise land after the delete.
  await deps.metaWrites.settled(ids);
  let released: PendingJob[];
  let recorded: JobMeta[];
  for (let tries = 1; ; tries++) {
    released = releasedBy(ids, deps.pending);
    const now = Date.now();
    recorded = released.map((p) => firstDispatch(p.meta, now));
    const ops: WriteOp[] = [
      ...ids.flatMap((id): WriteOp[] => [{ delete: jobKey(id) }, { delete: plannerJobMetaKey(id) }]),
      // Their first dispatch, recorded in the same commit (dispatch-records.ts).
      ...released.map((p, i): WriteOp => ({ put: plannerJobMetaKey(p.job.id), value: JSON.stringify(recorded[i]) })),
    ];
    // Only while each released job is still stored: the planning of its own resource
    // (beside this result, planner-line.ts) may have just superseded it, and its record
    // must not come back without it. Then those are no longer pending: compute again.
    const stillThere = released.map((p) => ({ key: jobKey(p.job.id), present: true as const }));
    if (await deps.store.txn(stillThere, ops)) break;
    if (tries >= 3) throw new RetryableError(`jobs released by ${job.id} keep changing`);
  }
  for (const id of ids) deps.pending.delete(id);
  released.forEach((p, i) => {
    p.meta = recorded[i]!;
    deps.pending.markUnsent(p.job.id);
  });
}

/** Jobs not dispatched yet that wait for nothing once `leaving` have left. */
function releasedBy(leaving: string[], pending: PendingJobs): PendingJob[] {
  const gone = new Set(leaving);
  const out = new Map<string, PendingJob>();
  for (const id of leaving) {
    for (const p of pending.waitingFor(id)) {
      if (!gone.has(p.job.id) && p.job.dependency.every((d) => gone.has(d) || !pending.has(d))) out.set(p.job.id, p);
    }
  }
  return [...out.values()];
}
