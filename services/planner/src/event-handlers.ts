/**
 * What the active planner does with each event, in its turn (planner-line.ts): a change
 * is planned (a removal first forgets the resource and replans the deletes that waited
 * for it), a result finishes its job; both then dispatch whatever became ready.
 */
import { SLICES, type ConfigValue, type events } from '@esi/contracts';
import type { Versioned } from '@esi/store';
import { dispatchReady, type DispatchDeps } from './dispatch.js';
import { finishJob } from './handle-result.js';
import { forgetResource, waitingDeletes } from './handle-removed.js';
import type { MetaWrites } from './meta-writes.js';
import { planChange, type PlanDeps } from './plan-change.js';
import { WaitsForOtherPartition } from './planner-line.js';
import type { Unplanned } from './resync.js';

export interface HandlerDeps {
  plan: PlanDeps;
  dispatch: DispatchDeps;
  metaWrites: MetaWrites;
  pluralOf: (type: string) => string;
  typeOfPlural: (plural: string) => string | undefined;
}

/**
 * `beside`: the change runs beside other handlers, not alone (planner-line.ts).
 * `inPartition`: with partitions, a removal reaches every partition's consumer; each
 * forgets and replans only its own resources (the deletes that waited may be anyone's).
 */
export async function onChange(m: events.ResourceChanged, deps: HandlerDeps, beside = false, inPartition: (id: string) => boolean = () => true): Promise<void> {
  const plan: PlanDeps = { ...deps.plan, reader: deps.plan.reader.forEvent() };
  if (m.removed) {
    plan.plannedVersions.delete(`${m.resourceType}:${m.resourceId}`);
    deps.dispatch.seenOutputs.forget(m.resourceType, m.resourceId);
    if (inPartition(m.resourceId)) await forgetResource(plan.store, m.resourceType, deps.pluralOf(m.resourceType), m.resourceId, plan.partitions.count);
    await planAll((await waitingDeletes(plan.store)).filter((u) => inPartition(u.id)), plan, deps.typeOfPlural);
  } else {
    await planChange(m.resourceType, m.resourceId, plan, { retry: m.retry, newResource: Number(m.version) === 1, beside, told: toldConfig(m) });
  }
  await dispatchReady(deps.dispatch);
}

/** The config the event carries as the api wrote it, at its revision; undefined when it carries none (or garbage). */
function toldConfig(m: events.ResourceChanged): Versioned<ConfigValue> | undefined {
  if (!m.configJson || !m.configRevision) return undefined;
  const value = SLICES.config.parse(m.configJson);
  return value ? { value, modRevision: m.configRevision } : undefined;
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
  await planAll(unplanned, { ...deps.plan, reader: deps.plan.reader.forEvent() }, deps.typeOfPlural);
  return dispatchReady(deps.dispatch, redispatchAfterMs);
}

async function planAll(found: { plural: string; id: string }[], plan: PlanDeps, typeOfPlural: (plural: string) => string | undefined): Promise<void> {
  for (const u of found) {
    const type = typeOfPlural(u.plural);
    if (!type) continue;
    try {
      await planChange(type, u.id, plan);
    } catch (err) {
      // Planned by a later pass or by its event once the other partition's planner has
      // planned what it reads; the rest of this pass goes on.
      if (!(err instanceof WaitsForOtherPartition)) throw err;
      plan.log.debug({ resource: `${type}:${u.id}`, reason: err.message }, 'left for later: waits for another partition');
    }
  }
}
