/**
 * The api removed a resource's /config key after DELETE_COMPLETED: forget its workflow
 * record, then give every delete that waited for dependents another chance.
 */
import type { OwnedStore } from '@esi/store';
import { WORKFLOW_PREFIX, workflowKey, type WorkflowRecord } from './workflow-record.js';

export async function forgetResource(store: OwnedStore, plural: string, id: string): Promise<void> {
  await store.delete(workflowKey(plural, id));
}

/** Resources whose delete waits for dependents, as (plural, id). */
export async function waitingDeletes(store: OwnedStore): Promise<{ plural: string; id: string }[]> {
  const records = await store.getPrefix(WORKFLOW_PREFIX);
  const out: { plural: string; id: string }[] = [];
  for (const [key, raw] of records) {
    if (!(JSON.parse(raw) as WorkflowRecord).waiting) continue;
    const [plural, id] = key.slice(WORKFLOW_PREFIX.length).split('/');
    if (plural && id) out.push({ plural, id });
  }
  return out;
}
