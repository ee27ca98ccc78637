/**
 * The api removed a resource's /config key after DELETE_COMPLETED: forget its workflow
 * record, then give every delete that waited for dependents another chance.
 */
import type { OwnedStore } from '@esi/store';
import { scanPrefix } from './scan-prefix.js';
import { WORKFLOW_PREFIX, workflowKey, type WorkflowRecord } from './workflow-record.js';

export async function forgetResource(store: OwnedStore, plural: string, id: string): Promise<void> {
  await store.delete(workflowKey(plural, id));
}

/** Resources whose delete waits for dependents, as (plural, id). */
export async function waitingDeletes(store: OwnedStore): Promise<{ plural: string; id: string }[]> {
  const out: { plural: string; id: string }[] = [];
  // Paged (scan-prefix.ts): one read of every record fails past the client's message limit.
  await scanPrefix(store, WORKFLOW_PREFIX, (key, raw) => {
    if (!(JSON.parse(raw) as WorkflowRecord).waiting) return;
    const [plural, id] = key.slice(WORKFLOW_PREFIX.length).split('/');
    if (plural && id) out.push({ plural, id });
  });
  return out;
}
