/**
 * The monitoring-worker's target registry: one key per (resource, item) under
 * /esi-monitoring/targets/<plural>/<id>/<item>. The poller reads it; jobs replace a
 * resource's targets in one transaction (create/modify) or remove them (delete).
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

export async function replaceTargets(store: OwnedStore, plural: string, resourceId: string, next: Target[]): Promise<void> {
  const prefix = `${KEY_PREFIX.monitoringTargets}${plural}/${resourceId}/`;
  const existing = await store.getPrefix(prefix);
  const puts = new Map(next.map((t) => [monitoringTargetKey(plural, resourceId, t.item), JSON.stringify(t)]));
  // etcd refuses a transaction that names a key twice: keys kept are only put.
  const ops: WriteOp[] = [...existing.keys()].filter((k) => !puts.has(k)).map((k) => ({ delete: k }));
  for (const [key, value] of puts) ops.push({ put: key, value });
  if (ops.length > 0) await store.txn([], ops);
}

/** Every registered target; a value that is not a target is skipped and named in `bad`. */
export async function allTargets(store: OwnedStore): Promise<{ targets: Target[]; bad: string[] }> {
  const raw = await store.getPrefix(KEY_PREFIX.monitoringTargets);
  const targets: Target[] = [];
  const bad: string[] = [];
  for (const [key, value] of raw) {
    try {
      const t = JSON.parse(value) as Target;
      if (typeof t.plural === 'string' && typeof t.resource_id === 'string' && typeof t.item === 'string' && t.properties) targets.push(t);
      else bad.push(key);
    } catch {
      bad.push(key);
    }
  }
  return { targets, bad };
}
