/**
 * A job's first dispatch is recorded in the transaction that makes it ready rather than
 * in a write of its own after the work message: a job ready as soon as it is planned, in
 * the commit of its workflow (plan-commit.ts); a job released by a result, in the
 * transaction that removes the finished job (handle-result.ts). The message follows the
 * transaction (dispatch.ts). A planner that dies between the two loads the job as
 * recorded but not known sent, and publishes the same attempt again: JetStream drops the
 * copy when the first went out (the message id is the job and attempt), and workers are
 * idempotent past its duplicate window. That is two puts, each an fsync in etcd, fewer
 * per resource; MetaWrites (meta-writes.ts) is left to redispatches.
 */
import type { JobMeta } from '@esi/contracts';

export function firstDispatch(meta: JobMeta, now: number): JobMeta {
  return { ...meta, dispatched_attempt: 1, dispatched_at_ms: now };
}
