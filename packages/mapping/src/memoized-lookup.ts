import { MappingFault, missing } from './errors.js';
import type { ResourceLookup } from './types.js';

/**
 * One planning pass reads the same resources over and over (a gw_interface walks the same
 * four hops for a dozen parameters); asking the lookup once per resource also guarantees
 * that all parameters of a job see the same snapshot.
 */
export function memoizedFetch(
  lookup: ResourceLookup,
): (resourceType: string, id: string) => Promise<Record<string, unknown>> {
  const pending = new Map<string, Promise<Record<string, unknown> | undefined>>();
  return async (resourceType, id) => {
    const key = `${resourceType}\u0000${id}`;
    let request = pending.get(key);
    if (request === undefined) {
      // Wrapped so that a lookup throwing synchronously is handled like a rejection.
      request = Promise.resolve().then(() => lookup.getBody(resourceType, id));
      pending.set(key, request);
    }
    let body: Record<string, unknown> | undefined;
    try {
      body = await request;
    } catch (cause) {
      throw new MappingFault('lookup-failed', `looking up ${resourceType} "${id}" failed`, { cause });
    }
    if (body === undefined || body === null) throw missing(`referenced ${resourceType} "${id}" not found`);
    return body;
  };
}
