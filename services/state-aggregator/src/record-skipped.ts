/** A change that needs no job (non-workable resource) settles as READ_COMPLETE at once. */
import { MSG_ID, stateKey, stateSubject, events, type StateValue } from '@esi/contracts';
import type { FoldDeps } from './fold-job-result.js';
import { READ_COMPLETE, stateValue } from './state-value.js';

export async function recordSkipped(msg: events.WorkflowSkipped, deps: FoldDeps): Promise<void> {
  const key = stateKey(deps.pluralOf(msg.resourceType), msg.resourceId);
  const current = await deps.store.getJson<StateValue>(key);
  if (current && current.value.version >= msg.version) return;
  await deps.store.putJson(key, stateValue({}, READ_COMPLETE, msg.version));
  await deps.publisher.publish(
    stateSubject(msg.resourceType, msg.resourceId),
    events.StateChanged.encode({
      resourceType: msg.resourceType,
      resourceId: msg.resourceId,
      version: msg.version,
      workerState: READ_COMPLETE,
      error: '',
      changedAtMs: Date.now(),
    }).finish(),
    MSG_ID.state(msg.resourceType, msg.resourceId, msg.version, READ_COMPLETE),
  );
}
