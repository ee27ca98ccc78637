/**
 * Cross-resource dependencies of a new workflow (esi-reference §3.5), attached to its
 * first job:
 *  - forward: pending jobs of every resource the workflow's params reference, of the
 *    same handler as the job holding the reference;
 *  - reverse: every pending job whose params reference this resource;
 *  - own: pending jobs of an older version of the same resource, so versions apply in
 *    order (a guarantee of DESIGN.md §4).
 */
import type { StoredJob } from '@esi/contracts';

/** What planning needs to know of the jobs still pending in /jobs/all. */
export interface PendingView {
  all(): Iterable<{ job: StoredJob }>;
  ofResource(type: string, id: string): { job: StoredJob }[];
}

export function crossDependencies(planned: StoredJob[], pending: PendingView): string[] {
  const first = planned[0];
  if (!first) return [];
  const deps = new Set<string>();
  const type = first.resource_type;
  const id = first.resource_id;

  for (const job of planned) {
    for (const param of job.params) {
      for (const ref of param.resources) {
        if (ref.resource_type === type && ref.resource_id === id) continue;
        for (const p of pending.ofResource(ref.resource_type, ref.resource_id)) {
          if (p.job.handler === job.handler) deps.add(p.job.id);
        }
      }
    }
  }
  for (const p of pending.all()) {
    if (p.job.resource_type === type && p.job.resource_id === id) {
      deps.add(p.job.id);
      continue;
    }
    const readsUs = p.job.params.some((param) =>
      param.resources.some((r) => r.resource_type === type && r.resource_id === id),
    );
    if (readsUs) deps.add(p.job.id);
  }
  return [...deps];
}
