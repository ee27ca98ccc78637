/**
 * How two planners of different partitions keep dependencies right without talking to
 * each other. Within a process, a plan claims its jobs in the step that computes their
 * dependencies (plan-change.ts), so a later plan sees them. Across processes a plan sees
 * the other partitions' jobs through an etcd watch (foreign-jobs.ts), which may lag; the
 * commit then checks in etcd that nothing it could have missed was stored meanwhile:
 *
 * - Every commit of a resource R of partition `a` puts R's own mark, and for every X its
 *   jobs read a reader mark (X, a, R): "partition a stored jobs of R that read X".
 * - It stores only if, since the revision its view had applied when it planned:
 *   - no reader mark of R was written by another partition (their jobs reading R: the
 *     reverse rule), and
 *   - the own mark of no X it reads in another partition was written (the forward rule:
 *     X's own jobs; a resource's older versions are its own partition's).
 *
 * Whichever of two crossing commits comes second fails its check, waits for its view to
 * catch up, and plans again; it then waits for the first one's jobs, as one planner
 * would have made it. Partitions this process holds are not checked: their plans claim.
 */
import { plannerOwnMarkKey, plannerReaderMarkKey, plannerReadersPrefix, type StoredJob } from '@esi/contracts';
import type { Expect, WriteOp } from '@esi/store';
import type { Partitions } from './partitions.js';
import { referencedResources } from './plan-references.js';

export interface MarkedCommit {
  expects: Expect[];
  ops: WriteOp[];
}

/** The marks a commit of `jobs` (one resource's, non-empty) puts and checks, against a view at `viewRevision`. */
export function marksFor(jobs: StoredJob[], partitions: Partitions, viewRevision: string): MarkedCommit {
  const first = jobs[0];
  if (!first || !partitions.partitioned) return { expects: [], ops: [] };
  const own = partitions.of(first.resource_id);
  const read = [...referencedResources(jobs)].filter((x) => x.type !== first.resource_type || x.id !== first.resource_id);
  // One key per reader: two commits reading one popular resource (a device) write different keys.
  const ops: WriteOp[] = [
    { put: plannerOwnMarkKey(first.resource_type, first.resource_id), value: first.id },
    ...read.map((x): WriteOp => ({ put: plannerReaderMarkKey(x.type, x.id, own, first.resource_type, first.resource_id), value: first.id })),
  ];
  const expects: Expect[] = partitions.others().map((k) => ({ prefix: plannerReadersPrefix(first.resource_type, first.resource_id, k), unchangedSince: viewRevision }));
  for (const x of read) {
    if (!partitions.holds(partitions.of(x.id))) expects.push({ key: plannerOwnMarkKey(x.type, x.id), unchangedSince: viewRevision });
  }
  return { expects, ops };
}
