/**
 * The pure part of Explain: the status of each job and, for a waiting job, the chain of
 * jobs it waits for. A dependency is finished when it left /jobs/all (the planner's
 * rule, docs/decisions.md); a pending job whose dependencies all left is ready, or
 * dispatched once the planner sent it.
 */
import type { StoredJob } from '@esi/contracts';
import type { JobMeta } from '@esi/contracts';

export type Status = 'waiting' | 'ready' | 'dispatched' | 'finished';

export interface Pending {
  job: StoredJob;
  meta: JobMeta | undefined;
}

export interface Link {
  depth: number;
  jobId: string;
  waitingJobId: string;
  status: Status;
  job: StoredJob;
  meta: JobMeta | undefined;
}

export function statusOf(jobId: string, pending: ReadonlyMap<string, Pending>): Status {
  const p = pending.get(jobId);
  if (!p) return 'finished';
  if ((p.meta?.dispatched_attempt ?? 0) > 0) return 'dispatched';
  return p.job.dependency.some((d) => pending.has(d)) ? 'waiting' : 'ready';
}

/**
 * A job's status as Explain shows it for its resource. A job of the version /state settled
 * without failure is finished: a workflow's jobs run one after another and /state settles
 * on the last one's result, which the planner folds into its records on its own, sometimes
 * a moment after the aggregator (a view drawn in between showed the last job dispatched
 * under a settled state).
 */
export function shownStatus(jobId: string, version: number, pending: ReadonlyMap<string, Pending>, settledVersion: number | undefined): Status {
  return settledVersion !== undefined && version === settledVersion ? 'finished' : statusOf(jobId, pending);
}

/**
 * Every pending job `jobId` waits for, depth first: its unfinished dependencies, then
 * theirs, down to jobs that wait for nothing. Each job appears once, at the depth it was
 * first reached, so shared dependencies and cycles cannot blow the answer up.
 */
export function waitChain(jobId: string, pending: ReadonlyMap<string, Pending>, maxLinks = 200): Link[] {
  const out: Link[] = [];
  const seen = new Set<string>([jobId]);
  const visit = (id: string, depth: number): void => {
    const job = pending.get(id)?.job;
    if (!job) return;
    for (const dep of job.dependency) {
      const p = pending.get(dep);
      if (!p || seen.has(dep) || out.length >= maxLinks) continue;
      seen.add(dep);
      out.push({ depth, jobId: dep, waitingJobId: id, status: statusOf(dep, pending), job: p.job, meta: p.meta });
      visit(dep, depth + 1);
    }
  };
  visit(jobId, 1);
  return out;
}

