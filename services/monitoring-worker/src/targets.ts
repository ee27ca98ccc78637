/**
 * The monitoring-worker's target registry: one key per (resource, item) under
 * /esi-monitoring/targets/<plural>/<id>/<item>. The poller follows it (target-index.ts);
 * jobs replace a resource's targets in one transaction (create/modify) or remove them (delete).
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

/**
 * Makes `next` the resource's targets. `firstTime` (a create job) first tries the write
 * on condition that the resource has no target yet: one request where reading the
 * targets to drop stale ones and writing makes two. Targets there (a redelivery, a
 * deleted namesake's leftovers) fail the condition, and the targets are replaced as for
 * any other job.
 */
export async function replaceTargets(store: OwnedStore, plural: string, resourceId: string, next: Target[], firstTime = false): Promise<void> {
  const prefix = `${KEY_PREFIX.monitoringTargets}${plural}/${resourceId}/`;
  const puts = new Map(next.map((t) => [monitoringTargetKey(plural, resourceId, t.item), JSON.stringify(t)]));
  if (firstTime && puts.size > 0) {
    const written = await store.txn([{ prefix, empty: true }], [...puts].map(([key, value]) => ({ put: key, value })));
    if (written) return;
  }
  const existing = await store.getPrefix(prefix);
  // etcd refuses a transaction that names a key twice: keys kept are only put.
  const ops: WriteOp[] = [...existing.keys()].filter((k) => !puts.has(k)).map((k) => ({ delete: k }));
  for (const [key, value] of puts) ops.push({ put: key, value });
  if (ops.length > 0) await store.txn([], ops);
}

/** A stored target value, or undefined when it is not one (a target by an older build, garbage). */
export function parseTarget(raw: string): Target | undefined {
  try {
    const t = JSON.parse(raw) as Target;
    return t && typeof t.plural === 'string' && typeof t.resource_id === 'string' && typeof t.item === 'string' && t.properties ? t : undefined;
  } catch {
    return undefined;
  }
}
