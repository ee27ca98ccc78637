/**
 * What the active planner does with each event, inside its one line of work: a change
 * is planned (a removal first forgets the resource and replans the deletes that waited
 * for it), a result finishes its job; both then dispatch whatever became ready.
 */
import type { events } from '@esi/contracts';
import { dispatchReady, type DispatchDeps } from './dispatch.js';
import { finishJob } from './handle-result.js';
import { forgetResource, waitingDeletes } from './handle-removed.js';
import type { MetaWrites } from './meta-writes.js';
import { planChange, type PlanDeps } from './plan-change.js';
import type { Unplanned } from './resync.js';

export interface HandlerDeps {
  plan: PlanDeps;
  dispatch: DispatchDeps;
  metaWrites: MetaWrites;
  pluralOf: (type: string) => string;
  typeOfPlural: (plural: string) => string | undefined;
}

export async function onChange(m: events.ResourceChanged, deps: HandlerDeps): Promise<void> {
  deps.plan.reader.startEvent();
  if (m.removed) {
    deps.plan.plannedVersions.delete(`${m.resourceType}:${m.resourceId}`);
    deps.dispatch.seenOutputs.forget(m.resourceType, m.resourceId);
    await forgetResource(deps.plan.store, deps.pluralOf(m.resourceType), m.resourceId);
    await planAll(await waitingDeletes(deps.plan.store), deps);
  } else {
    await planChange(m.resourceType, m.resourceId, deps.plan, { retry: m.retry, newResource: Number(m.version) === 1 });
  }
  await dispatchReady(deps.dispatch);
}

export async function onResult(r: events.JobResult, deps: HandlerDeps): Promise<void> {
  const { store, pending, log } = deps.plan;
  // Only a result that finishes a pending job speaks for the stack: a late copy of an
  // older job's result would put back outputs the stack no longer has.
  if (r.job && pending.has(r.job.id)) deps.dispatch.seenOutputs.noteResult(r);
  await finishJob(r, { store, pending, log, metaWrites: deps.metaWrites });
  await dispatchReady(deps.dispatch);
}

/** A resync's finds: planned, then everything ready (re)dispatched. */
export async function onUnplanned(unplanned: Unplanned[], deps: HandlerDeps, redispatchAfterMs: number): Promise<number> {
  deps.plan.reader.startEvent();
  await planAll(unplanned, deps);
  return dispatchReady(deps.dispatch, redispatchAfterMs);
}

async function planAll(found: { plural: string; id: string }[], deps: HandlerDeps): Promise<void> {
  for (const u of found) {
    const type = deps.typeOfPlural(u.plural);
    if (type) await planChange(type, u.id, deps.plan);
  }
}
