/**
 * The ids a body holds in fields the templates follow into other resources (hops listed
 * by @esi/mapping from the stored templates), as references to check like the schema's
 * declared ones: `port.device_id` (when the port's device_owner says what it names),
 * `port.fixed_ips[].subnet_id`, `ese_logical_port.port_ids[]`, a gateway's `*_gw_id`.
 */
import type { ResourceSchema } from '@esi/catalog';
import type { MappingHop } from '@esi/mapping';
import type { Caller } from './caller.js';
import { referencesIn } from './schema-check.js';

export interface HopReference {
  /** Where the id sits, as the client wrote it: `body_json.fixed_ips[1].subnet_id`. */
  field: string;
  /** The types the planner may look the id up as (one unless the field is polymorphic). */
  types: string[];
  id: string;
}

/**
 * What a create or update must check: the schema's declared references for every caller
 * and, for a tenant, the ids in every field a template follows from this type (admins are
 * trusted with any reference, as before).
 */
export function referencesToCheck(caller: Caller, body: Record<string, unknown>, schema: ResourceSchema, hops: readonly MappingHop[]): HopReference[] {
  const declared = referencesIn(body, schema).map((r) => ({ field: r.field, types: [r.type], id: r.id }));
  if (caller.kind === 'admin') return declared;
  // A hop onto a declared reference of the same type is checked once.
  const declaredAt = new Set(declared.map((r) => `${r.field}\u0000${r.id}\u0000${r.types[0]}`));
  const extra = hopReferencesIn(body, hops).filter((r) => !r.types.every((t) => declaredAt.has(`${r.field}\u0000${r.id}\u0000${t}`)));
  return [...declared, ...extra];
}

export function hopReferencesIn(body: Record<string, unknown>, hops: readonly MappingHop[], root = 'body_json'): HopReference[] {
  const byPlace = new Map<string, HopReference>();
  for (const hop of hops) {
    if (hop.when && !sameJson(body[hop.when.field], hop.when.equals)) continue;
    for (const { where, value } of valuesAt(body, hop.field, root)) {
      const id = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
      if (id === '') continue;
      const key = `${where}\u0000${id}`;
      const ref = byPlace.get(key) ?? { field: where, types: [], id };
      if (!ref.types.includes(hop.targetType)) ref.types.push(hop.targetType);
      byPlace.set(key, ref);
    }
  }
  return [...byPlace.values()];
}

/** The values at a listed field path (`a`, `a[]`, `a[].b`), each with its concrete place. */
export function valuesAt(body: Record<string, unknown>, path: string, root: string): { where: string; value: unknown }[] {
  let places: { where: string; value: unknown }[] = [{ where: root, value: body }];
  for (const segment of path.split('.')) {
    const list = segment.endsWith('[]');
    const name = list ? segment.slice(0, -2) : segment;
    const next: { where: string; value: unknown }[] = [];
    for (const p of places) {
      if (!isObject(p.value) || !Object.hasOwn(p.value, name)) continue;
      const v = p.value[name];
      const where = `${p.where}.${name}`;
      if (!list) next.push({ where, value: v });
      else if (Array.isArray(v)) v.forEach((element, i) => next.push({ where: `${where}[${i}]`, value: element }));
    }
    places = next;
  }
  return places;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
