/**
 * The level-triggered safety net (DESIGN.md §4.3): compares /config with /state and the
 * workflow records, plans what was never planned, and re-dispatches what is ready.
 * Events are the fast path; this is the path that never gives up.
 */
import { parseCollectionKey, stateKey, type ConfigValue, type StateValue } from '@esi/contracts';
import { scanPrefix, type OwnedStore } from '@esi/store';
import { WORKFLOW_PREFIX, type WorkflowRecord } from './workflow-record.js';

export interface Unplanned {
  plural: string;
  id: string;
  /** The config version found unplanned. */
  version: number;
}

/**
 * Each prefix is read in pages (scanPrefix in @esi/store) and only the versions are kept, not the
 * values: at 100,000 resources the three prefixes are some 200 MB of JSON, which one
 * read could neither receive (etcd client's 4 MiB limit) nor hold under the planner's
 * memory budget. A value that does not parse is kept as it is and parsed again where
 * it is used, so it fails the resync exactly where reading whole prefixes failed it.
 */
export async function findUnplanned(store: OwnedStore): Promise<Unplanned[]> {
  const configs: Unplanned[] = [];
  await scanPrefix(store, '/config/', (key, raw) => {
    const parsed = parseCollectionKey('/config/', key);
    if (!parsed || parsed.plural === 'heat_templates') return;
    configs.push({ ...parsed, version: (JSON.parse(raw) as ConfigValue).version });
  });
  const states = new Map<string, number | string>();
  await scanPrefix(store, '/state/', (key, raw) => states.set(key, tolerant(raw, (v: StateValue) => v.version)));
  const records = new Map<string, { version: number; waiting: boolean } | string>();
  await scanPrefix(store, WORKFLOW_PREFIX, (key, raw) => records.set(key, tolerant(raw, lite)));
  const out: Unplanned[] = [];
  for (const { plural, id, version } of configs) {
    // An empty value counts as absent, as it did when the raw strings were tested.
    const state = states.get(stateKey(plural, id));
    if (state !== undefined && state !== '' && (typeof state === 'string' ? (JSON.parse(state) as StateValue).version : state) >= version) continue;
    const record = records.get(`${WORKFLOW_PREFIX}${plural}/${id}`);
    const planned = typeof record === 'string' ? (record === '' ? undefined : lite(JSON.parse(record) as WorkflowRecord)) : record;
    if (planned && planned.version >= version && !planned.waiting) continue;
    out.push({ plural, id, version });
  }
  return out;
}

/** The part of a value the resync needs, or the raw text when it does not parse. */
function tolerant<T, R>(raw: string, pick: (value: T) => R): R | string {
  let value: T;
  try {
    value = JSON.parse(raw) as T;
  } catch {
    return raw;
  }
  return pick(value);
}

function lite(r: WorkflowRecord): { version: number; waiting: boolean } {
  return { version: r.version, waiting: Boolean(r.waiting) };
}
