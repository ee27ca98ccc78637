import { MappingError, toMappingError } from './errors.js';
import type { Evaluated } from './evaluation.js';
import { createEnv, ownScope } from './evaluate.js';
import { isPlainObject, preview } from './json.js';
import type { MappingContext, PlannedParam, ResourceRef } from './types.js';

const copyRefs = (resources: readonly ResourceRef[]): ResourceRef[] =>
  resources.map(({ resource_type, resource_id }) => ({ resource_type, resource_id }));

/**
 * Names a result. List elements carry the list's parameter name and no resources of their
 * own: their resources are already hoisted into the list's (§3.4, port `jinja_subnets`).
 * Values are copied so a job never aliases a resource body or a template.
 */
function toPlannedParam(param: string, result: Evaluated): PlannedParam {
  if (result.type === 'list') {
    const value = result.elements.map((element) => ({ ...toPlannedParam(param, element), resources: [] }));
    return { param, type: 'list', value, resources: copyRefs(result.resources) };
  }
  return { param, type: result.type, value: structuredClone(result.value), resources: copyRefs(result.resources) };
}

/**
 * Resolves a template's `parameter_mappings` for one resource, in the mappings' key order.
 * Parameters are evaluated concurrently (sharing one memoized lookup), but the error
 * reported is always that of the first failing parameter in key order, so it does not
 * depend on lookup timing.
 */
export async function planParams(
  parameterMappings: Record<string, unknown>,
  ctx: MappingContext,
): Promise<PlannedParam[]> {
  if (!isPlainObject(parameterMappings)) {
    const reason = `parameter_mappings must be an object, got ${preview(parameterMappings)}`;
    throw new MappingError(`${ctx.resourceType} "${ctx.resourceId}": ${reason}`, {
      failure: 'bad-mapping',
      mapping: parameterMappings,
      reason,
    });
  }
  const env = createEnv(ctx);
  const scope = ownScope(ctx);
  const outcomes = await Promise.all(
    Object.entries(parameterMappings).map(async ([param, mapping]) => {
      try {
        return { param, mapping, result: await env.evaluate(mapping, scope) };
      } catch (error) {
        return { param, mapping, error };
      }
    }),
  );
  return outcomes.map((outcome) => {
    if ('error' in outcome) {
      const { param, mapping } = outcome;
      throw toMappingError(outcome.error, { param, mapping, resourceType: ctx.resourceType, resourceId: ctx.resourceId });
    }
    return toPlannedParam(outcome.param, outcome.result);
  });
}
