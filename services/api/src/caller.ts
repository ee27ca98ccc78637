/**
 * Who is calling, and what that caller may see. A resource belongs to the tenant its
 * body names in tenant_id (a tenant resource belongs to itself); a tenant caller sees
 * and changes only its own resources, an admin sees all.
 */
export type Caller = { kind: 'admin' } | { kind: 'tenant'; tenant: string };

export const ADMIN: Caller = Object.freeze({ kind: 'admin' });

// The owner rule is @esi/catalog's, shared with the planner's reference check.
export { ownerOf } from '@esi/catalog';

export function maySee(caller: Caller, owner: string | undefined): boolean {
  return caller.kind === 'admin' || owner === caller.tenant;
}

export function describeCaller(caller: Caller): string {
  return caller.kind === 'admin' ? 'admin' : `tenant ${caller.tenant}`;
}
