/**
 * Plan (template change): which resources a template serves — every resource whose
 * type's template mapping chooses it, evaluated with the same mapping language the
 * planner uses — and, when a new body is given, whether PutTemplate would accept it.
 * A template change re-plans nothing by itself; these resources get it on their next
 * change.
 */
import { HANDLERS, SLICES, configCollectionPrefix, configKey } from '@esi/contracts';
import { MappingError, resolveTemplateId, type Relations } from '@esi/mapping';
import type { OwnedStore } from '@esi/store';
import { api } from '@esi/contracts';
import type { CallContext } from './call-context.js';
import { maySee, ownerOf } from './caller.js';
import { PermissionDeniedError, ValidationError } from './errors.js';
import { parseObject, readConfig } from './resource-reads.js';
import type { Templates } from './templates.js';
import type { TypeRegistry } from './type-rules.js';
import { checkId } from './validate-body.js';

export interface TemplatePlanDeps {
  store: OwnedStore;
  types: TypeRegistry;
  relations: Relations;
  templates: Templates;
}

export async function planTemplateChange(deps: TemplatePlanDeps, ctx: CallContext, change: api.TemplateChange): Promise<api.PlanResponse> {
  // Evaluating template text (and listing every resource a template serves) is the
  // catalog's business, as changing it is: PutTemplate's rule, applied before anything runs.
  if (ctx.caller.kind !== 'admin') throw new PermissionDeniedError('only an admin may plan a template change');
  const problems: string[] = [];
  let templateId = change.templateId;
  if (change.bodyJson) {
    try {
      const body = deps.templates.check(change.bodyJson, change.sampleInputJson);
      if (templateId && body.id !== templateId) throw new ValidationError('template.template_id', 'differs from body_json.id');
      templateId = body.id as string;
    } catch (err) {
      if (!(err instanceof ValidationError) || err.field === 'template.template_id') throw err;
      problems.push(err.message);
      templateId ||= String(parseObject(change.bodyJson).id ?? '');
    }
  }
  checkId(templateId, 'template.template_id');

  const affected: api.AffectedResource[] = [];
  const lookup = {
    async getBody(type: string, id: string) {
      const plural = deps.types.pluralOf(type);
      const cfg = plural ? await readConfig(deps.store, configKey(plural, id)) : undefined;
      return cfg ? parseObject(cfg.value.body) : undefined;
    },
  };
  for (const [type, info] of Object.entries(deps.types.table)) {
    const handlers = HANDLERS.filter((h) => info.template_mappings[h] !== undefined);
    if (handlers.length === 0) continue;
    const prefix = configCollectionPrefix(info.plural);
    const configs = await deps.store.getPrefix(prefix);
    for (const [key, raw] of configs) {
      ctx.checkpoint();
      const id = key.slice(prefix.length);
      if (id.includes('/')) continue;
      const cfg = SLICES.config.parse(raw);
      if (!cfg) continue;
      const body = parseObject(cfg.body);
      if (!maySee(ctx.caller, ownerOf(type, id, body))) continue;
      for (const handler of handlers) {
        const ctxMapping = { resourceType: type, resourceId: id, body, version: cfg.version, relations: deps.relations, lookup };
        let chosen: string | null;
        try {
          chosen = await resolveTemplateId(info.template_mappings[handler], ctxMapping);
        } catch (err) {
          if (err instanceof MappingError) continue;
          throw err;
        }
        if (chosen === templateId) affected.push({ resourceType: type, id, version: cfg.version, handler });
      }
    }
  }
  return { ...api.PlanResponse.fromPartial({}), outcome: 'template', planOutcome: api.PlanOutcome.PLAN_OUTCOME_TEMPLATE, id: templateId, affected, problems };
}
