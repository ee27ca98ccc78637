/**
 * Turns an example build into the resources a run would create: every request gets an
 * id (tenants 32 hex digits, others uuids, as in the original) and its $refs resolved.
 */
import { resolveRefs, type BuildRequest, type CreatedResource } from '../example-build.js';
import type { Relations } from '../resource-types.js';
import type { Resource, World } from './evaluate-mapping.js';

export interface ExampleWorld extends World {
  resources: Resource[];
  byRef: Map<string, Resource>;
}

export function exampleWorld(build: readonly BuildRequest[], relations: Relations): ExampleWorld {
  const byRef = new Map<string, Resource>();
  const resources: Resource[] = [];
  build.forEach((request, i) => {
    const serial = (i + 1).toString(16).padStart(12, '0');
    const id = request.type === 'tenant' ? `7e7a7e7a7e7a7e7a7e7a${serial}` : `00000000-0000-4000-8000-${serial}`;
    const lookup = (ref: string): CreatedResource | undefined => byRef.get(ref);
    const body = { ...(resolveRefs(request.body, lookup) as Record<string, unknown>), id };
    const resource = { type: request.type, id, body };
    byRef.set(request.ref, resource);
    resources.push(resource);
  });
  return {
    relations,
    resources,
    byRef,
    find: (type, id) => resources.find((r) => r.type === type && r.id === id),
  };
}
