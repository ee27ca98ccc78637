/**
 * A newer config version supersedes unfinished work of an older one: older jobs of the
 * resource that were not dispatched yet are dropped, unless a job of another resource
 * waits for them (dropping those would release it before its input exists). Jobs
 * already running finish; the new workflow waits for them (own-resource dependency), and
 * the aggregator never lets their results overwrite newer state.
 */
import { jobKey, plannerJobMetaKey } from '@esi/contracts';
import type { OwnedStore, WriteOp } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { PendingJobs } from './pending-jobs.js';

export async function supersedeOlderWork(
  type: string,
  id: string,
  version: number,
  deps: { store: OwnedStore; pending: PendingJobs; log: Logger },
): Promise<string[]> {
  const older = deps.pending.ofResource(type, id).filter((p) => p.job.version < version && p.meta.dispatched_attempt === 0);
  if (older.length === 0) return [];
  const olderIds = new Set(older.map((p) => p.job.id));
  const neededElsewhere = new Set<string>();
  for (const p of deps.pending.all()) {
    if (olderIds.has(p.job.id)) continue;
    if (p.job.resource_type === type && p.job.resource_id === id) continue;
    for (const d of p.job.dependency) if (olderIds.has(d)) neededElsewhere.add(d);
  }
  const dropped = [...olderIds].filter((j) => !neededElsewhere.has(j));
  if (dropped.length === 0) return [];
  // Forgotten before the write, in the step that judged them unneeded: other changes are
  // planned meanwhile (planner-line.ts), and one must not start waiting for a job that is
  // leaving. If the write fails, the handler's failure reloads the pending jobs from etcd.
  for (const j of dropped) deps.pending.delete(j);
  const ops: WriteOp[] = dropped.flatMap((j) => [{ delete: jobKey(j) }, { delete: plannerJobMetaKey(j) }]);
  await deps.store.txn([], ops);
  deps.log.info({ resource: `${type}:${id}`, version, dropped }, 'older unfinished work superseded');
  return dropped;
}
