/**
 * Read-only views of what the planner keeps in its own slice: /jobs/all/<id> for
 * pending jobs, /esi-planner/jobs/<id> beside each, and the latest workflow per resource.
 * The shapes and parsers are the planner's own, from @esi/contracts.
 */
import { KEY_PREFIX, SLICES, type JobMeta, type StoredJob, type WorkflowRecord } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';

export { traceIdOf } from '@esi/contracts';

export interface PendingJob {
  job: StoredJob;
  meta: JobMeta | undefined;
}

/** Every job still in /jobs/all, with its bookkeeping, read at once. */
export async function readPendingJobs(store: OwnedStore): Promise<Map<string, PendingJob>> {
  const [jobs, metas] = await Promise.all([store.getPrefix(KEY_PREFIX.jobs), store.getPrefix(KEY_PREFIX.plannerJobMeta)]);
  const out = new Map<string, PendingJob>();
  for (const [key, raw] of jobs) {
    const id = SLICES.jobs.jobOf(key);
    const job = SLICES.jobs.parse(raw)?.[1];
    if (id === undefined || !job) continue;
    const metaRaw = metas.get(SLICES.plannerJobMeta.key(id));
    out.set(id, { job, meta: metaRaw === undefined ? undefined : SLICES.plannerJobMeta.parse(metaRaw) });
  }
  return out;
}

export async function readWorkflow(store: OwnedStore, plural: string, id: string): Promise<WorkflowRecord | undefined> {
  const read = await store.getString(SLICES.plannerWorkflows.key(plural, id));
  return read === undefined ? undefined : SLICES.plannerWorkflows.parse(read.value);
}
