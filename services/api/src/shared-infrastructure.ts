/**
 * Which resources a caller's bodies may name and its dry run may follow into: the rule of
 * @esi/catalog (own resources and shared infrastructure), which the planner applies too;
 * an admin may name anything. Everything else is answered exactly as a resource that does
 * not exist, so a tenant learns nothing of another tenant's ids.
 */
import { mayReference as referenceAllowed } from '@esi/catalog';
import type { Caller } from './caller.js';
import type { TypeRegistry } from './type-rules.js';

export function mayReference(caller: Caller, types: TypeRegistry, type: string, id: string, body: Record<string, unknown>): boolean {
  return referenceAllowed(caller.kind === 'admin' ? undefined : caller.tenant, (t) => types.isShared(t), type, id, body);
}
