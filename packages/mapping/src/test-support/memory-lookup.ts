import type { MappingContext, Relations, ResourceLookup } from '../types.js';

/** A ResourceLookup over literal bodies keyed "type/id", counting calls so tests can see memoization. */
export function memoryLookup(bodies: Record<string, Record<string, unknown>>): ResourceLookup & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    getBody: async (resourceType, id) => {
      calls.push(`${resourceType}/${id}`);
      return bodies[`${resourceType}/${id}`];
    },
  };
}

export function context(
  resourceType: string,
  body: Record<string, unknown>,
  options: { relations?: Relations; lookup?: ResourceLookup; version?: number } = {},
): MappingContext {
  return {
    resourceType,
    resourceId: typeof body.id === 'string' ? body.id : 'self',
    body,
    version: options.version ?? 1,
    relations: options.relations ?? {},
    lookup: options.lookup ?? memoryLookup({}),
  };
}
