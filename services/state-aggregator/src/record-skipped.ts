/**
 * A change that runs no job settles at once: READ_COMPLETE for a non-workable resource
 * (DELETE_COMPLETED when it is being deleted), <ACTION>_FAILED with the planner's error
 * when the change could not be planned.
 */
import { READ_COMPLETE, SLICES, stateKey, workerStateFor, type events } from '@esi/contracts';
import { RetryableError } from '@esi/messaging';
import { recordChangeSettled } from '@esi/telemetry';
import type { FoldDeps } from './fold-job-result.js';
import { announceState } from './announce-state.js';
import { stateValue } from './state-value.js';

export async function recordSkipped(msg: events.WorkflowSkipped, deps: FoldDeps): Promise<void> {
  const key = stateKey(deps.pluralOf(msg.resourceType), msg.resourceId);
  const current = await deps.store.read(key, SLICES.state.parse);
  if (current && current.value.version > msg.version) return;
  if (current && current.value.version === msg.version) {
    // Settled by this event's first delivery, which may have died before announcing it:
    // announce again (the same message ids, so JetStream drops what went out). The api
    // removes a deleted resource's config on that announcement.
    const { worker_state: settled = '' } = current.value.state;
    await announceState(deps.publisher, { resourceType: msg.resourceType, resourceId: msg.resourceId, version: msg.version, workerState: settled, error: current.value.error ?? '' });
    return;
  }
  const workerState = msg.error
    ? workerStateFor(msg.action || 'create', true)
    : msg.action === 'delete'
      ? workerStateFor('delete', false)
      : READ_COMPLETE;
  const value = stateValue({}, workerState, msg.version, msg.error);
  // Only if /state is still what was read: a result of a newer version folded meanwhile
  // (on the results consumer) must not be overwritten by this older settlement. On a
  // conflict the event comes back and is read again, and then finds the newer state.
  const written = await deps.store.txn([current ? { key, modRevision: current.modRevision } : { key, absent: true }], [{ put: key, value: JSON.stringify(value) }]);
  // The fold's copy of this resource no longer holds (known-state.ts): it reads again.
  deps.known.delete(`${msg.resourceType}:${msg.resourceId}`);
  if (!written) throw new RetryableError(`/state of ${msg.resourceType} ${msg.resourceId} changed while settling version ${msg.version}`);
  recordChangeSettled(msg.resourceType, workerState);
  await announceState(deps.publisher, { resourceType: msg.resourceType, resourceId: msg.resourceId, version: msg.version, workerState, error: value.error });
}
