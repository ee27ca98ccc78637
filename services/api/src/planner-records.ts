/**
 * Read-only views of what the planner keeps in its own slice: the pending jobs with
 * their bookkeeping, and the latest workflow per resource. The shapes and parsers are
 * the planner's own, from @esi/contracts; the pending jobs are read as the planner loads
 * them (readPendingJobRecords in @esi/store).
 */
import { SLICES, type WorkflowRecord } from '@esi/contracts';
import { readPendingJobRecords, type OwnedStore, type PendingJobRecord } from '@esi/store';

export { traceIdOf } from '@esi/contracts';

/**
 * Every job still in /jobs/all, with its bookkeeping, read at one revision. An answer
 * about jobs shows what parses: a damaged job is left out, and a job whose bookkeeping
 * is damaged shows without it.
 */
export async function readPendingJobs(store: OwnedStore): Promise<Map<string, PendingJobRecord>> {
  return (await readPendingJobRecords(store)).jobs;
}

export async function readWorkflow(store: OwnedStore, plural: string, id: string): Promise<WorkflowRecord | undefined> {
  const read = await store.getString(SLICES.plannerWorkflows.key(plural, id));
  return read === undefined ? undefined : SLICES.plannerWorkflows.parse(read.value);
}
