/**
 * Which resources a caller's bodies may name and the planner may follow into for it: its
 * own, and shared infrastructure — a resource of a type its schema marks `shared` (the
 * provider's devices and offerings) or one whose body names no tenant. Everything else is
 * answered exactly as a resource that does not exist, so a tenant learns nothing of
 * another tenant's ids.
 */
import { maySee, ownerOf, type Caller } from './caller.js';
import type { TypeRegistry } from './type-rules.js';

export function mayReference(caller: Caller, types: TypeRegistry, type: string, id: string, body: Record<string, unknown>): boolean {
  if (caller.kind === 'admin' || types.isShared(type)) return true;
  const owner = ownerOf(type, id, body);
  return owner === undefined || maySee(caller, owner);
}
