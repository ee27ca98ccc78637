/**
 * The jobs of one workflow, in order, by action (esi-reference §3.5; delete is new
 * behaviour: the original never deleted in G1).
 *
 * create: heat → monitoring                 (either alone when the type has one template)
 * modify: delete-monitoring (ignore) → modify-heat → create-monitoring
 * delete: delete-monitoring (ignore) → delete-heat
 */
import type { Handler } from '@esi/contracts';

export type Action = 'create' | 'modify' | 'delete';

export interface JobSkeleton {
  action: string;
  handler: Handler;
  onFailure: 'fail' | 'ignore';
  /** Indexes of earlier skeletons this one waits for. */
  after: number[];
}

export function workflowJobs(action: Action, handlers: ReadonlySet<Handler>): JobSkeleton[] {
  const heat = handlers.has('heat_worker');
  const mon = handlers.has('monitoring_worker');
  const jobs: Omit<JobSkeleton, 'after'>[] = [];
  if (action === 'create') {
    if (heat) jobs.push({ action: 'create', handler: 'heat_worker', onFailure: 'fail' });
    if (mon) jobs.push({ action: 'create', handler: 'monitoring_worker', onFailure: 'fail' });
  } else if (action === 'modify') {
    if (mon) jobs.push({ action: 'delete', handler: 'monitoring_worker', onFailure: 'ignore' });
    if (heat) jobs.push({ action: 'modify', handler: 'heat_worker', onFailure: 'fail' });
    if (mon) jobs.push({ action: 'create', handler: 'monitoring_worker', onFailure: 'fail' });
  } else {
    if (mon) jobs.push({ action: 'delete', handler: 'monitoring_worker', onFailure: 'ignore' });
    if (heat) jobs.push({ action: 'delete', handler: 'heat_worker', onFailure: 'fail' });
  }
  // Each job waits for every earlier job of its workflow (G1 modify: create-monitoring
  // waits for both the heat job and the delete-monitoring job).
  return jobs.map((j, i) => ({ ...j, after: Array.from({ length: i }, (_, k) => k) }));
}
