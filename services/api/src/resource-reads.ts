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

/** A resource's view: its config as given, its /state and /monitoring as read now. */
export async function viewOf(store: OwnedStore, type: string, plural: string, id: string, value: ConfigValue): Promise<ResourceView> {
  const [state, monitoring] = await Promise.all([store.getString(stateKey(plural, id)), store.getString(monitoringKey(plural, id))]);
  return {
    resourceType: type,
    id,
    version: value.version,
    markedForDeletion: value.marked_for_deletion,
    bodyJson: value.body,
    stateJson: state?.value ?? '',
    monitoringJson: monitoring?.value ?? '',
  };
}

/** The view of a resource just created: its config, no state and no monitoring yet. */
export function viewOfNew(type: string, id: string, value: ConfigValue): ResourceView {
  return { resourceType: type, id, version: value.version, markedForDeletion: value.marked_for_deletion, bodyJson: value.body, stateJson: '', monitoringJson: '' };
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
