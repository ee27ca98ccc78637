/**
 * Read-only views of what the planner keeps in its own slice: /jobs/all/<id> for
 * pending jobs, /esi-planner/jobs/<id> beside each, and the latest workflow per resource.
 * The shapes and parsers are the planner's own, from @esi/contracts.
 */
import { KEY_PREFIX, SLICES, type JobMeta, type StoredJob, type WorkflowRecord } from '@esi/contracts';
import { scanPrefix, type OwnedStore } from '@esi/store';

export { traceIdOf } from '@esi/contracts';

export interface PendingJob {
  job: StoredJob;
  meta: JobMeta | undefined;
}

/**
 * Every job still in /jobs/all, with its bookkeeping, both read at one revision. The
 * planner writes a job and its bookkeeping in one transaction, and removes them in one;
 * read side by side at two revisions, a plan committed between the two reads showed its
 * job without its bookkeeping (no template, no trace id; seen in a CI run's Explain).
 */
export async function readPendingJobs(store: OwnedStore): Promise<Map<string, PendingJob>> {
  const jobs = new Map<string, string>();
  const metas = new Map<string, string>();
  const revision = await scanPrefix(store, KEY_PREFIX.jobs, (k, v) => jobs.set(k, v));
  await scanPrefix(store, KEY_PREFIX.plannerJobMeta, (k, v) => metas.set(k, v), undefined, revision);
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
