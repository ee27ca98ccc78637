import { MappingFault, badMapping, toMappingError } from './errors.js';
import { createEnv, ownScope } from './evaluate.js';
import { preview } from './json.js';
import type { MappingContext } from './types.js';

/**
 * Evaluates a schema's template mapping (§4.2: `Cnetwork`, `ACgw_interface_&Pservice_type`,
 * the port's if/regexp object) against the resource. null means "no job for this handler"
 * (DHCP/empty ports); an absent mapping (type without a template) and an empty id (e.g. via
 * ignore_missing) mean the same, since neither can name a template.
 */
export async function resolveTemplateId(mapping: unknown, ctx: MappingContext): Promise<string | null> {
  if (mapping === undefined || mapping === null) return null;
  const env = createEnv(ctx);
  try {
    const result = await env.evaluate(mapping, ownScope(ctx));
    const id = result.type === 'list' ? undefined : result.value;
    if (id === null || id === '') return null;
    if (result.type !== 'value' || typeof id !== 'string') {
      throw badMapping(`yielded ${preview(result.type === 'list' ? 'a list' : id)}, not a template id`);
    }
    return id;
  } catch (error) {
    if (error instanceof MappingFault) {
      throw toMappingError(error, { mapping, resourceType: ctx.resourceType, resourceId: ctx.resourceId });
    }
    throw error;
  }
}
