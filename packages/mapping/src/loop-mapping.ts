import { badData, badMapping, missing } from './errors.js';
import { type Env, type Evaluated, type Scope, describeScope, materialize } from './evaluation.js';
import { readField } from './field-reading.js';
import { isPlainObject, preview } from './json.js';
import type { ResourceRef } from './types.js';

/** What `for_field` names: an own field, or a mapping that yields the list. */
export function loopSource(forField: unknown): { field: string } | { mapping: Record<string, unknown> } {
  if (typeof forField === 'string' && forField !== '') return { field: forField };
  if (isPlainObject(forField)) return { mapping: forField };
  throw badMapping(`"for_field" must be a field name or a mapping, got ${preview(forField)}`);
}

/** The mapping applied to each element. */
export function loopMapping(mapping: Record<string, unknown>): unknown {
  if (mapping.for_mapping === undefined) throw badMapping('"for_field" needs a "for_mapping"');
  return mapping.for_mapping;
}

/** The list to iterate: `for_field` is an own field name or any mapping. */
async function loopItems(forField: unknown, scope: Scope, env: Env): Promise<{ items: unknown[]; resources: ResourceRef[] }> {
  const named = loopSource(forField);
  const source: Evaluated = 'field' in named ? readField(scope, named.field, env, false) : await env.evaluate(named.mapping, scope);

  if (source.type === 'list') return { items: source.elements.map(materialize), resources: source.resources };
  if (source.value === null) throw missing(`for_field ${preview(forField)} is missing on ${describeScope(scope)}`);
  if (!Array.isArray(source.value)) throw badData(`for_field ${preview(forField)} is ${preview(source.value)}, not a list`);
  return { items: source.value, resources: source.resources };
}

type PlainResult = Extract<Evaluated, { type: 'value' | 'output_key' }>;

/** Whether the element mapping names a Heat output, which makes the result a `list` param even when empty. */
function yieldsOutputKeys(forMapping: unknown): boolean {
  if (typeof forMapping === 'string') return forMapping.startsWith('M');
  return isPlainObject(forMapping) && Object.hasOwn(forMapping, 'output_key');
}

/**
 * `{"for_field": F, "for_mapping": M}`. Each element is evaluated with the element as its
 * record (object elements: fixed_ips[i].subnet_id) or as the id of `{"id": ""}` hops
 * (scalar elements: port_ids[i]). Output keys make a `list` param whose elements keep their
 * own type and get their resources hoisted; plain results make a `value` list. Either way the
 * param's resources are the for_field's followed by every element's, duplicates kept (§3.4).
 */
export async function evaluateLoop(mapping: Record<string, unknown>, scope: Scope, env: Env): Promise<Evaluated> {
  const forMapping = loopMapping(mapping);
  const { items, resources } = await loopItems(mapping.for_field, scope, env);
  const elements = await Promise.all(
    items.map((element) =>
      env.evaluate(forMapping, {
        resourceType: scope.resourceType,
        resourceId: scope.resourceId,
        record: isPlainObject(element) ? element : undefined,
        loop: { element },
      }),
    ),
  );
  const allResources = [...resources, ...elements.flatMap((element) => element.resources)];
  const plain = elements.filter((element): element is PlainResult => element.type === 'value');
  if (yieldsOutputKeys(forMapping) || plain.length !== elements.length) {
    return { type: 'list', elements, resources: allResources };
  }
  return { type: 'value', value: plain.map((element) => element.value), resources: allResources };
}
