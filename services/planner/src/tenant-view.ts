/**
 * What the planner may follow out of the resource it plans: the tenant rule of
 * @esi/catalog (the api's rule too), applied from the planned resource's side. The api
 * checks references when a body is written, but an id can change hands afterwards — a
 * tenant's subnet is deleted and another tenant creates one with the same id — and the
 * planner reads references again at plan and at dispatch time. A resource the planned
 * one may not reference is, to it, a resource that does not exist: its body is not read
 * into params, its jobs are not waited for, its stack outputs are not resolved.
 */
import { mayReference, referrerOf, type SharedTypes } from '@esi/catalog';
import type { StoredJob } from '@esi/contracts';
import type { ResourceLookup } from '@esi/mapping';
import type { PendingView } from '@esi/planning';

export interface PlannedResource {
  type: string;
  id: string;
  body: Record<string, unknown>;
}

/** Other resources' bodies as the planned resource may see them: others' are absent. */
export function lookupFor(lookup: ResourceLookup, isShared: SharedTypes, planned: PlannedResource): ResourceLookup {
  const referrer = referrerOf(isShared, planned.type, planned.id, planned.body);
  if (referrer === undefined) return lookup;
  return {
    async getBody(type, id) {
      const body = await lookup.getBody(type, id);
      return body && mayReference(referrer, isShared, type, id, body) ? body : undefined;
    },
  };
}

/**
 * The pending jobs a new workflow may wait for on account of its references: another
 * tenant's resource has none (judged by the body each job was planned from). Its own
 * older versions and the jobs that read it (pending.all) are left as they are: those
 * keep a resource's versions, and a reader and what it reads, in order.
 */
export function pendingFor(pending: PendingView, isShared: SharedTypes, planned: PlannedResource): PendingView {
  const referrer = referrerOf(isShared, planned.type, planned.id, planned.body);
  if (referrer === undefined) return pending;
  return {
    all: () => pending.all(),
    ofResource: (type, id) => pending.ofResource(type, id).filter((p) => mayReference(referrer, isShared, type, id, p.job.resource_input ?? {})),
  };
}

/** Whether the job's resource may follow into `type`/`id`, whose current body is `body`. */
export function jobMayReference(job: StoredJob, isShared: SharedTypes, type: string, id: string, body: Record<string, unknown>): boolean {
  const referrer = referrerOf(isShared, job.resource_type, job.resource_id, job.resource_input ?? {});
  return mayReference(referrer, isShared, type, id, body);
}
