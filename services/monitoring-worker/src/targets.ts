/**
 * The monitoring-worker's target registry: one key per (resource, item) under
 * /esi-monitoring/targets/<plural>/<id>/<item>. The poller reads it; jobs replace it.
 */
import { KEY_PREFIX, monitoringTargetKey } from '@esi/contracts';
import type { OwnedStore, WriteOp } from '@esi/store';
import type { MonitoringItem } from './item-types.js';

export interface Target {
  resource_type: string;
  plural: string;
  resource_id: string;
  item: string;
  version: number;
  properties: MonitoringItem;
  registered_at_ms: number;
}

export async function replaceTargets(
  store: OwnedStore,
  plural: string,
  resourceId: string,
  next: Target[],
): Promise<void> {
  const prefix = `${KEY_PREFIX.monitoringTargets}${plural}/${resourceId}/`;
  const existing = await store.getPrefix(prefix);
  const ops: WriteOp[] = [...existing.keys()].map((k) => ({ delete: k }));
  for (const t of next) ops.push({ put: monitoringTargetKey(plural, resourceId, t.item), value: JSON.stringify(t) });
  if (ops.length > 0) await store.txn([], ops);
}

export async function allTargets(store: OwnedStore): Promise<Target[]> {
  const raw = await store.getPrefix(KEY_PREFIX.monitoringTargets);
  return [...raw.values()].map((v) => JSON.parse(v) as Target);
}
