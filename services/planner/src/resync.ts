/**
 * The level-triggered safety net (DESIGN.md §4.3): compares /config with /state and the
 * workflow records, plans what was never planned, and re-dispatches what is ready.
 * Events are the fast path; this is the path that never gives up.
 */
import { parseCollectionKey, stateKey, type ConfigValue, type StateValue } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
import { WORKFLOW_PREFIX, type WorkflowRecord } from './workflow-record.js';

export interface Unplanned {
  plural: string;
  id: string;
}

export async function findUnplanned(store: OwnedStore): Promise<Unplanned[]> {
  const configs = await store.getPrefix('/config/');
  const states = await store.getPrefix('/state/');
  const records = await store.getPrefix(WORKFLOW_PREFIX);
  const out: Unplanned[] = [];
  for (const [key, raw] of configs) {
    const parsed = parseCollectionKey('/config/', key);
    if (!parsed || parsed.plural === 'heat_templates') continue;
    const version = (JSON.parse(raw) as ConfigValue).version;
    const state = states.get(stateKey(parsed.plural, parsed.id));
    if (state && (JSON.parse(state) as StateValue).version >= version) continue;
    const record = records.get(`${WORKFLOW_PREFIX}${parsed.plural}/${parsed.id}`);
    const planned = record ? (JSON.parse(record) as WorkflowRecord) : undefined;
    if (planned && planned.version >= version && !planned.waiting) continue;
    out.push(parsed);
  }
  return out;
}
