import { badData, missing } from './errors.js';
import { type Env, type Evaluated, type Scope, describeScope, resourceRef } from './evaluation.js';
import { isPlainObject, preview } from './json.js';
import type { ResourceRef } from './types.js';

function recordOf(scope: Scope): Record<string, unknown> {
  if (scope.record === undefined) {
    throw badData(`${describeScope(scope)} is ${preview(scope.loop?.element)}, not an object with fields`);
  }
  return scope.record;
}

/**
 * A foreign-key field names another resource, so reading it makes the parameter depend on
 * that resource. The recorded G1 jobs show it for own fields (ha_router_monitoring
 * `primary_device_id` = `{"field":"primary_router_id"}` lists the edge_router,
 * internet_gateway_monitoring `downlink_interface_id` lists the ha_interface); the rule is
 * applied to every read from a resource body. Loop elements are not resources, so their
 * fields are never foreign keys.
 */
function referencedBy(scope: Scope, field: string, value: unknown, env: Env): ResourceRef[] {
  if (scope.loop !== undefined) return [];
  const target = env.relations[scope.resourceType]?.[field];
  if (target === undefined) return [];
  if (typeof value === 'string' && value !== '') return [resourceRef(target, value)];
  if (typeof value === 'number') return [resourceRef(target, String(value))];
  return [];
}

/**
 * Reads `field` of the scope. An absent field is null when the scope is the resource being
 * planned (recorded: internet_gateway_monitoring `uplink_interface_id` = null for a gateway
 * without `associated_uplink_id`), but a `missing` fault at the end of a path, where it means
 * the path is broken.
 */
export function readField(scope: Scope, field: string, env: Env, required: boolean): Evaluated {
  const record = recordOf(scope);
  const value = Object.hasOwn(record, field) ? record[field] : undefined;
  if (value === undefined) {
    if (required) throw missing(`field "${field}" missing on ${describeScope(scope)}`);
    return { type: 'value', value: null, resources: [] };
  }
  return { type: 'value', value, resources: referencedBy(scope, field, value, env) };
}

/** `resource[k1][k2]…` of the scope's own data; an absent level yields null like an absent field. */
export function readNested(scope: Scope, keys: readonly (string | number)[]): Evaluated {
  let current: unknown = recordOf(scope);
  for (const key of keys) {
    if (current === undefined || current === null) break;
    if (Array.isArray(current) && typeof key === 'number') {
      current = current[key];
    } else if (isPlainObject(current)) {
      current = Object.hasOwn(current, String(key)) ? current[String(key)] : undefined;
    } else {
      throw badData(`cannot read "${key}" of ${preview(current)} in nested ${preview(keys)}`);
    }
  }
  return { type: 'value', value: current ?? null, resources: [] };
}

/** The id a foreign-key field holds; an empty key is `missing` so ignore_missing can absorb it. */
export function readForeignKey(scope: Scope, fk: string): string {
  const record = recordOf(scope);
  const value = Object.hasOwn(record, fk) ? record[fk] : undefined;
  if (value === undefined || value === null || value === '') {
    throw missing(`foreign key "${fk}" is empty on ${describeScope(scope)}`);
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw badData(`foreign key "${fk}" on ${describeScope(scope)} holds ${preview(value)}, not an id`);
}
