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

export interface ReplaceOptions {
  /** A create job: the resource is expected to have no target yet. */
  firstTime?: boolean;
  /**
   * Whether the resource is known to have no target, from the worker's followed copy of
   * the targets (target-index.ts); undefined when that copy is not following etcd.
   */
  knownEmpty?: () => boolean | undefined;
}

/**
 * Makes `next` the resource's targets. A create job (`firstTime`) first tries the write
 * on condition that the resource has no target yet: one request where reading the
 * targets to drop stale ones and writing makes two. Targets there (a redelivery, a
 * deleted namesake's leftovers) fail the condition, and the targets are replaced as for
 * any other job. A create job with no target to register, for a resource the followed
 * copy holds none of, has nothing to write nor to drop, and sends nothing (a port that
 * nothing polls, the common case). Leftovers would show in that copy: their writes are
 * older than the create by far more than the watch lags. The copy is not the source of
 * truth for anything else.
 */
export async function replaceTargets(store: OwnedStore, plural: string, resourceId: string, next: Target[], options: ReplaceOptions = {}): Promise<void> {
  const prefix = `${KEY_PREFIX.monitoringTargets}${plural}/${resourceId}/`;
  const puts = new Map(next.map((t) => [monitoringTargetKey(plural, resourceId, t.item), JSON.stringify(t)]));
  if (options.firstTime && puts.size === 0 && options.knownEmpty?.() === true) return;
  if (options.firstTime && puts.size > 0) {
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
