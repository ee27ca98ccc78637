/**
 * The api removed a resource's /config key after DELETE_COMPLETED: forget its workflow
 * record, then give every delete that waited for dependents another chance.
 */
import { scanPrefix, type OwnedStore } from '@esi/store';
import { WORKFLOW_PREFIX, workflowKey, type WorkflowRecord } from './workflow-record.js';

export async function forgetResource(store: OwnedStore, plural: string, id: string): Promise<void> {
  await store.delete(workflowKey(plural, id));
}

/** Resources whose delete waits for dependents, as (plural, id). */
export async function waitingDeletes(store: OwnedStore): Promise<{ plural: string; id: string }[]> {
  const out: { plural: string; id: string }[] = [];
  // Paged (scanPrefix in @esi/store): one read of every record fails past the client's message limit.
  await scanPrefix(store, WORKFLOW_PREFIX, (key, raw) => {
    if (!(JSON.parse(raw) as WorkflowRecord).waiting) return;
    const [plural, id] = key.slice(WORKFLOW_PREFIX.length).split('/');
    if (plural && id) out.push({ plural, id });
  });
  return out;
}
