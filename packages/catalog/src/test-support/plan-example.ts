/**
 * Plans the jobs of every resource of an example world against a catalog the way the
 * ResourceReader would (template mapping -> template id -> params), collecting problems
 * instead of stopping at the first.
 */
import type { ResourceTypes } from '../resource-types.js';
import { HANDLERS, type Handler, type StoredTemplate, type TemplateBody } from '../template-types.js';
import { evaluate, type Evaluated, type Resource, type World } from './evaluate-mapping.js';

export interface PlannedJob {
  resource: Resource;
  handler: Handler;
  template: TemplateBody;
  params: Record<string, Evaluated>;
}

export interface Plan {
  jobs: PlannedJob[];
  /** Resources with no template for any handler (READ_COMPLETE). */
  nonWorkable: Resource[];
  problems: string[];
}

export function planExample(resources: Resource[], world: World, types: ResourceTypes, catalog: StoredTemplate[]): Plan {
  const byId = new Map(catalog.map((t) => [t.id, t.body]));
  const plan: Plan = { jobs: [], nonWorkable: [], problems: [] };
  for (const resource of resources) {
    const where = `${resource.type} ${String(resource.body.name ?? resource.id)}`;
    let workable = false;
    for (const handler of HANDLERS) {
      const mapping = types[resource.type]?.template_mappings[handler];
      if (mapping === undefined) continue;
      const chosen = attempt(() => evaluate(mapping, resource, world), plan.problems, `${where} ${handler} template`);
      if (chosen === undefined) continue;
      if (chosen.kind !== 'value' || (chosen.value !== null && typeof chosen.value !== 'string')) {
        plan.problems.push(`${where}: ${handler} mapping gave ${JSON.stringify(chosen)}`);
        continue;
      }
      if (chosen.value === null) continue; // e.g. a DHCP port
      const template = byId.get(chosen.value);
      if (!template || template.handler !== handler) {
        plan.problems.push(`${where}: no ${handler} template "${chosen.value}" in the catalog`);
        continue;
      }
      workable = true;
      const params: Record<string, Evaluated> = {};
      for (const [param, m] of Object.entries(template.parameter_mappings)) {
        const result = attempt(() => evaluate(m, resource, world), plan.problems, `${where} ${template.id}.${param}`);
        if (result) params[param] = result;
      }
      plan.jobs.push({ resource, handler, template, params });
    }
    if (!workable) plan.nonWorkable.push(resource);
  }
  return plan;
}

function attempt<T>(run: () => T, problems: string[], where: string): T | undefined {
  try {
    return run();
  } catch (err) {
    problems.push(`${where}: ${(err as Error).message}`);
    return undefined;
  }
}

/** Stand-in for a stack output at render time: the worker fills the real value. */
export function outputPlaceholder(e: Evaluated & { kind: 'output_key' }): string {
  return `${e.type}-${e.key}-of-${e.id}`;
}

/** The render context a worker would build: outputs replaced by placeholders. */
export function renderValue(e: Evaluated): unknown {
  if (e.kind === 'value') return e.value;
  if (e.kind === 'output_key') return outputPlaceholder(e);
  return e.items.map(renderValue);
}
