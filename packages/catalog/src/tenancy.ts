/**
 * The tenant rule of references, shared by the api (what a caller's bodies may name, what
 * its dry run may follow) and the planner (what it may follow out of the resource it
 * plans, at plan and at dispatch time): a tenant's resource may reference its own
 * resources and shared infrastructure — a resource of a type whose schema says `shared`,
 * or one whose body names no tenant. Kept here, beside the schemas that say what is
 * shared, so the two services apply one rule rather than two copies of it.
 */
import type { ResourceSchemas } from './schemas.js';

/** The tenant a resource belongs to: its body's tenant_id (a tenant resource belongs to itself). */
export function ownerOf(type: string, id: string, body: Record<string, unknown>): string | undefined {
  if (type === 'tenant') return id;
  const t = body.tenant_id;
  return typeof t === 'string' && t !== '' ? t : undefined;
}

/** Whether resources of `type` are shared infrastructure (admin-written, referencable by all). */
export type SharedTypes = (type: string) => boolean;

export function sharedTypesOf(schemas: ResourceSchemas): SharedTypes {
  return (type) => Object.hasOwn(schemas, type) && schemas[type]!.shared === true;
}

/**
 * Whether `referrer` (a tenant id; undefined for no tenant: an admin, or a resource only
 * an admin writes) may reference the resource `type`/`id` whose body is `body`.
 */
export function mayReference(referrer: string | undefined, isShared: SharedTypes, type: string, id: string, body: Record<string, unknown>): boolean {
  if (referrer === undefined || isShared(type)) return true;
  const owner = ownerOf(type, id, body);
  return owner === undefined || owner === referrer;
}

/**
 * The tenant whose view a resource is planned in: its owner, except that shared
 * infrastructure (written by admins only) and resources naming no tenant are the
 * provider's own and may reference anything, as their admin author may.
 */
export function referrerOf(isShared: SharedTypes, type: string, id: string, body: Record<string, unknown>): string | undefined {
  return isShared(type) ? undefined : ownerOf(type, id, body);
}
