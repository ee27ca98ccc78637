import { compactToObject } from './compact-mapping.js';
import { badMapping } from './errors.js';
import type { Env, Evaluated, Scope } from './evaluation.js';
import { isPlainObject, preview } from './json.js';
import { memoizedFetch } from './memoized-lookup.js';
import { evaluateObjectMapping } from './object-mapping.js';
import type { MappingContext } from './types.js';

/** Any mapping position: a string is the compact DSL, an object the object DSL. */
export async function evaluateMapping(mapping: unknown, scope: Scope, env: Env): Promise<Evaluated> {
  if (typeof mapping === 'string') return evaluateObjectMapping(compactToObject(mapping), scope, env);
  if (isPlainObject(mapping)) return evaluateObjectMapping(mapping, scope, env);
  throw badMapping(`a mapping must be a compact string or an object, got ${preview(mapping)}`);
}

/** One environment per planning call, so lookups are shared by all its parameters. */
export function createEnv(ctx: MappingContext): Env {
  const env: Env = {
    version: ctx.version,
    relations: ctx.relations,
    fetch: memoizedFetch(ctx.lookup),
    evaluate: (mapping, scope) => evaluateMapping(mapping, scope, env),
  };
  return env;
}

export function ownScope(ctx: MappingContext): Scope {
  return { resourceType: ctx.resourceType, resourceId: ctx.resourceId, record: ctx.body };
}
