/** Reads of one resource's keys, shared by the resource calls, Explain and the dry run. */
import { SLICES, monitoringKey, stateKey, type ConfigValue } from '@esi/contracts';
import type { OwnedStore, Versioned } from '@esi/store';

export interface ResourceView {
  resourceType: string;
  id: string;
  version: number;
  markedForDeletion: boolean;
  bodyJson: string;
  stateJson: string;
  monitoringJson: string;
}

/** The /config envelope at a key; a value that is not an envelope counts as absent. */
export async function readConfig(store: OwnedStore, key: string): Promise<Versioned<ConfigValue> | undefined> {
  return store.read(key, SLICES.config.parse);
}

/** `known` supplies what the caller already knows (a create knows it has no state). */
export async function viewOf(
  store: OwnedStore,
  type: string,
  plural: string,
  id: string,
  value: ConfigValue,
  known: { stateJson?: string } = {},
): Promise<ResourceView> {
  const [state, monitoring] = await Promise.all([
    known.stateJson ?? store.getString(stateKey(plural, id)).then((s) => s?.value ?? ''),
    store.getString(monitoringKey(plural, id)),
  ]);
  return {
    resourceType: type,
    id,
    version: value.version,
    markedForDeletion: value.marked_for_deletion,
    bodyJson: value.body,
    stateJson: state,
    monitoringJson: monitoring?.value ?? '',
  };
}

/** A JSON object from text; anything else (or broken JSON) is an empty object. */
export function parseObject(raw: string): Record<string, unknown> {
  try {
    const v = JSON.parse(raw) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
