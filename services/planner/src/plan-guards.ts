/**
 * What planChange reads first, and the two guards that can end it before planning: a
 * delete that waits for the resources depending on it, and a retry of a version that
 * has not failed.
 */
import { SLICES, isFailedWorkerState, stateKey, type ConfigValue, type StateValue, type WorkflowRecord } from '@esi/contracts';
import type { Versioned } from '@esi/store';
import type { Action, ResourceTypeInfo } from '@esi/planning';
import { liveDependents } from './dependents.js';
import { notePlanned, writeRecord } from './plan-commit.js';
import type { PlanDeps } from './plan-change.js';

/** The resource as planning sees it. */
export interface Current {
  type: string;
  id: string;
  /** type:id */
  resource: string;
  info: ResourceTypeInfo;
  wfKey: string;
  config: ConfigValue;
  state: StateValue | undefined;
  previous: { value: WorkflowRecord; modRevision: string } | undefined;
}

/**
 * The config, state and workflow record of a resource; undefined when it is gone (or of
 * no known type). With `newResource` (its change event says version 1) and the config at
 * version 1, the state and record are taken absent instead of read: the commit compares
 * the record with absent, and a conflict there plans it again from reads (plan-change.ts).
 */
export async function readCurrent(type: string, id: string, deps: PlanDeps, newResource = false, told?: Versioned<ConfigValue>): Promise<Current | undefined> {
  const info = deps.typeInfo(type);
  if (!info) return undefined;
  const wfKey = SLICES.plannerWorkflows.key(info.plural, id);
  const resource = `${type}:${id}`;
  if (newResource) {
    // The event's own copy, as the api wrote it: no read (the commit requires it still).
    const config = told?.value.version === 1 ? deps.reader.tellOwnConfig(type, id, told) : await deps.reader.getOwnConfig(type, id);
    if (!config) return undefined;
    if (config.version === 1 && !config.marked_for_deletion) return { type, id, resource, info, wfKey, config, state: undefined, previous: undefined };
  }
  // The three reads are independent, so they go out together: one round trip instead of
  // three (each change, and each referenced resource checked). When the config is gone
  // the other two are simply unused.
  const [config, stateRead, previous] = await Promise.all([
    deps.reader.getOwnConfig(type, id),
    deps.store.read(stateKey(info.plural, id), SLICES.state.parse),
    deps.store.read(wfKey, SLICES.plannerWorkflows.parse),
  ]);
  if (!config) return undefined;
  if (previous) notePlanned(deps, resource, previous.value);
  return { type, id, resource, info, wfKey, config, state: stateRead?.value, previous };
}

/**
 * A delete not planned yet waits while live resources depend on this one: the record
 * says what it waits for (written when that changes), and the delete is planned again
 * when the last of them is removed (event-handlers.ts).
 */
export async function deleteWaitsForDependents(current: Current, deps: PlanDeps): Promise<boolean> {
  const { type, id, resource, config, previous } = current;
  if (!config.marked_for_deletion || (previous?.value.version ?? 0) >= config.version) return false;
  const dependents = await liveDependents(deps.store, deps.relations.current, deps.typeOfPlural, type, id);
  if (dependents.length === 0) return false;
  const waiting = { version: config.version, for: dependents };
  if (JSON.stringify(previous?.value.waiting) !== JSON.stringify(waiting)) {
    const record: WorkflowRecord = previous ? { ...previous.value, waiting } : { version: 0, action: 'none', jobs: [], waiting };
    await writeRecord(deps, current, record, []);
    deps.log.info({ resource, dependents }, 'delete waits for dependent resources to be deleted first');
  }
  return true;
}

/**
 * The action a client's retry runs again: the last planned action, when the current
 * version failed and nothing of it is still pending; 'not-failed' when there is nothing
 * to retry; undefined when no retry was asked.
 */
export function retryAction({ type, id, resource, config, state, previous }: Current, deps: PlanDeps, retry: boolean): Action | 'not-failed' | undefined {
  if (!retry) return undefined;
  const failed = state?.version === config.version && isFailedWorkerState(state.state.worker_state);
  const lastAction = previous?.value.action;
  if (!failed || !lastAction || !['create', 'modify', 'delete'].includes(lastAction)) {
    deps.log.info({ resource, state: state?.state.worker_state }, 'retry ignored: the current version has not failed');
    return 'not-failed';
  }
  if (deps.pending.ofResource(type, id).length > 0) return 'not-failed';
  deps.log.info({ resource, version: config.version, action: lastAction }, 'retrying the failed workflow');
  return lastAction as Action;
}
