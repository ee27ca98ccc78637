import { badData, badMapping } from './errors.js';
import { type Env, type Scope, describeScope, resourceRef } from './evaluation.js';
import { readForeignKey } from './field-reading.js';
import { isPlainObject, preview } from './json.js';
import type { ResourceRef } from './types.js';

/** One step of a `path` (object DSL) or of an `F`/`M` chain (compact DSL). */
export type Hop =
  /** `"fk"`: target type from relations[current type][fk]. */
  | { kind: 'relation'; fk: string }
  /** `{"id": "fk", "type": "t"}` / compact `t+fk`: needed where a key is polymorphic (port.device_id). */
  | { kind: 'typed'; fk: string; targetType: string }
  /** `{"id": "", "type": "t"}` inside for_mapping: the loop element is the id (ese_logical_port.port_ids). */
  | { kind: 'loop-element'; targetType: string }
  /** `{"concatenate": [...]}`: the fk name is computed, e.g. service_type + "_gw_id". */
  | { kind: 'computed'; mapping: Record<string, unknown> };

export function parseHop(raw: unknown): Hop {
  if (typeof raw === 'string' && raw !== '') return { kind: 'relation', fk: raw };
  if (isPlainObject(raw)) {
    const keys = Object.keys(raw);
    if (keys.length === 1 && keys[0] === 'concatenate') return { kind: 'computed', mapping: raw };
    const { id, type } = raw;
    const onlyIdAndType = keys.every((key) => key === 'id' || key === 'type');
    if (onlyIdAndType && typeof id === 'string') {
      if (type === undefined) {
        if (id !== '') return { kind: 'relation', fk: id };
      } else if (typeof type === 'string' && type !== '') {
        return id === '' ? { kind: 'loop-element', targetType: type } : { kind: 'typed', fk: id, targetType: type };
      }
    }
  }
  throw badMapping(`invalid path hop ${preview(raw)}`);
}

export function parsePath(raw: unknown): Hop[] {
  if (!Array.isArray(raw)) throw badMapping(`"path" must be a list of hops, got ${preview(raw)}`);
  return raw.map(parseHop);
}

function relationTarget(env: Env, resourceType: string, fk: string): string {
  const target = env.relations[resourceType]?.[fk];
  if (target === undefined) throw badMapping(`unknown relation: ${resourceType} has no foreign key "${fk}"`);
  return target;
}

async function computedForeignKey(hop: { mapping: Record<string, unknown> }, scope: Scope, env: Env) {
  const result = await env.evaluate(hop.mapping, scope);
  if (result.type !== 'value' || typeof result.value !== 'string' || result.value === '') {
    throw badData(`computed hop ${preview(hop.mapping)} on ${describeScope(scope)} did not yield a field name`);
  }
  return { fk: result.value, resources: result.resources };
}

/** Where a hop leads: target type and id, plus what was read to find out. */
async function resolveHop(hop: Hop, scope: Scope, env: Env): Promise<{ type: string; id: string; read: ResourceRef[] }> {
  switch (hop.kind) {
    case 'relation':
      return { type: relationTarget(env, scope.resourceType, hop.fk), id: readForeignKey(scope, hop.fk), read: [] };
    case 'typed':
      return { type: hop.targetType, id: readForeignKey(scope, hop.fk), read: [] };
    case 'loop-element': {
      if (scope.loop === undefined) throw badMapping(`hop {"id": "", "type": "${hop.targetType}"} outside for_mapping`);
      const element = scope.loop.element;
      if (typeof element === 'string' && element !== '') return { type: hop.targetType, id: element, read: [] };
      if (typeof element === 'number') return { type: hop.targetType, id: String(element), read: [] };
      throw badData(`loop element ${preview(element)} is not a ${hop.targetType} id`);
    }
    case 'computed': {
      const { fk, resources } = await computedForeignKey(hop, scope, env);
      return { type: relationTarget(env, scope.resourceType, fk), id: readForeignKey(scope, fk), read: resources };
    }
  }
}

/**
 * Follows the hops from `start`. Every hop loads the resource it reaches (a missing one is a
 * `missing` fault) and contributes one entry to `resources`, in path order (§3.4).
 */
export async function walkPath(
  path: readonly Hop[],
  start: Scope,
  env: Env,
): Promise<{ end: Scope; resources: ResourceRef[] }> {
  let scope = start;
  const resources: ResourceRef[] = [];
  for (const hop of path) {
    const { type, id, read } = await resolveHop(hop, scope, env);
    const body = await env.fetch(type, id);
    resources.push(...read, resourceRef(type, id));
    scope = { resourceType: type, resourceId: id, record: body };
  }
  return { end: scope, resources };
}
