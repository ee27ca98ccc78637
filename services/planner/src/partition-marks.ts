/**
 * How two planners of different partitions keep dependencies right without talking to
 * each other. Within a process, a plan claims its jobs in the step that computes their
 * dependencies (plan-change.ts), so a later plan sees them. Across processes a plan sees
 * the other partitions' jobs through an etcd watch (foreign-jobs.ts), which may lag; the
 * commit then checks in etcd that nothing it could have missed was stored meanwhile:
 *
 * - Every commit of a resource R of partition `a` puts the marks (R, a) and (X, a) for
 *   every X its jobs read: "partition a changed the jobs of R, and the jobs reading X".
 * - It stores only if, since the revision its view had applied when it planned:
 *   - no other partition's mark of R changed (their jobs of R, or their jobs reading R:
 *     the reverse rule and a resource's older versions), and
 *   - no mark (X, partition of X) changed, for an X it reads of another partition (the
 *     forward rule: X's own jobs).
 *
 * Whichever of two crossing commits comes second fails its check, waits for its view to
 * catch up, and plans again; it then waits for the first one's jobs, as one planner
 * would have made it. Partitions this process holds are not checked: their plans claim.
 */
import { plannerMarkKey, type StoredJob } from '@esi/contracts';
import type { Expect, WriteOp } from '@esi/store';
import type { Partitions } from './partitions.js';

export interface MarkedCommit {
  expects: Expect[];
  ops: WriteOp[];
}

/** The marks a commit of `jobs` (one resource's, non-empty) puts and checks, against a view at `viewRevision`. */
export function marksFor(jobs: StoredJob[], partitions: Partitions, viewRevision: string): MarkedCommit {
  const first = jobs[0];
  if (!first || !partitions.partitioned) return { expects: [], ops: [] };
  const own = partitions.of(first.resource_id);
  const read = new Map<string, { type: string; id: string }>();
  for (const job of jobs) {
    for (const p of job.params) {
      for (const r of p.resources) {
        if (r.resource_type === first.resource_type && r.resource_id === first.resource_id) continue;
        read.set(`${r.resource_type}:${r.resource_id}`, { type: r.resource_type, id: r.resource_id });
      }
    }
  }
  const ops: WriteOp[] = [first, ...read.values()].map((x) => {
    const [type, id] = 'resource_type' in x ? [x.resource_type, x.resource_id] : [x.type, x.id];
    return { put: plannerMarkKey(type, id, own), value: first.id };
  });
  const expects: Expect[] = partitions.others().map((k) => ({ key: plannerMarkKey(first.resource_type, first.resource_id, k), unchangedSince: viewRevision }));
  for (const x of read.values()) {
    const k = partitions.of(x.id);
    if (!partitions.holds(k)) expects.push({ key: plannerMarkKey(x.type, x.id, k), unchangedSince: viewRevision });
  }
  return { expects, ops };
}
