/**
 * The relations table as data in etcd (RELATIONS_KEY), in the same envelope as a
 * template: loaded from the catalog (or ESI_RELATIONS_FILE) when the api starts, and
 * replaceable by an admin at run time. The planner follows whatever is stored.
 */
import { SLICES, RELATIONS_KEY, type ConfigValue } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
import type { CallContext } from './call-context.js';
import { PermissionDeniedError, ValidationError } from './errors.js';

export type RelationsTable = Record<string, Record<string, string>>;

export function checkRelations(value: unknown, field = 'relations_json'): RelationsTable {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError(field, 'must be a JSON object of types');
  for (const [type, fks] of Object.entries(value as Record<string, unknown>)) {
    if (!fks || typeof fks !== 'object' || Array.isArray(fks)) throw new ValidationError(`${field}.${type}`, 'must be an object of foreign keys');
    for (const [fk, target] of Object.entries(fks as Record<string, unknown>)) {
      if (typeof target !== 'string' || target === '') throw new ValidationError(`${field}.${type}.${fk}`, 'must name a resource type');
    }
  }
  return value as RelationsTable;
}

/** Stores the table unless it is already stored; returns its version and whether it changed. */
export async function storeRelations(store: OwnedStore, table: RelationsTable): Promise<{ version: number; changed: boolean }> {
  const current = await store.read(RELATIONS_KEY, SLICES.config.parse);
  const body = JSON.stringify(table);
  if (current && JSON.stringify(JSON.parse(current.value.body)) === body) return { version: current.value.version, changed: false };
  const version = (current?.value.version ?? 0) + 1;
  const value: ConfigValue = { body, marked_for_deletion: false, version };
  const ok = await store.txn(
    [current ? { key: RELATIONS_KEY, modRevision: current.modRevision } : { key: RELATIONS_KEY, absent: true }],
    [{ put: RELATIONS_KEY, value: JSON.stringify(value) }],
  );
  if (!ok) {
    // Another writer got there first: if it stored this very table (api replicas starting
    // together all store the catalog's), that is no conflict.
    const now = await store.read(RELATIONS_KEY, SLICES.config.parse);
    if (now && JSON.stringify(JSON.parse(now.value.body)) === body) return { version: now.value.version, changed: false };
    throw new ValidationError('relations_json', 'changed concurrently; try again');
  }
  return { version, changed: true };
}

export async function putRelations(ctx: CallContext, store: OwnedStore, relationsJson: string): Promise<{ version: number; changed: boolean }> {
  if (ctx.caller.kind !== 'admin') throw new PermissionDeniedError('only an admin may change the relations table');
  let parsed: unknown;
  try {
    parsed = JSON.parse(relationsJson);
  } catch (err) {
    throw new ValidationError('relations_json', `is not valid JSON (${(err as Error).message})`);
  }
  ctx.checkpoint();
  return storeRelations(store, checkRelations(parsed));
}
