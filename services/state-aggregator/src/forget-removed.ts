/** After the api removed a deleted resource's /config key, its /state and job_state go too. */
import { jobStateKey, stateKey, events } from '@esi/contracts';
import type { FoldDeps } from './fold-job-result.js';

export async function forgetRemoved(msg: events.ResourceChanged, deps: FoldDeps): Promise<void> {
  if (!msg.removed) return;
  const plural = deps.pluralOf(msg.resourceType);
  await deps.store.txn([], [{ delete: stateKey(plural, msg.resourceId) }, { delete: jobStateKey(plural, msg.resourceId) }]);
  deps.known.set(`${msg.resourceType}:${msg.resourceId}`, { state: undefined, jobState: undefined });
  deps.log.info({ resource: `${msg.resourceType}:${msg.resourceId}` }, 'state removed with the resource');
}
