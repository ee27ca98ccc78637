import { compactToObject } from './compact-mapping.js';
import { isPlainObject } from './json.js';
import { mappingReach, type FieldRead, type MappingHop } from './mapping-reads.js';
import type { Relations } from './types.js';

/** The parts of a catalog the reach of its templates depends on. */
export interface CatalogMappings {
  /** type -> handler -> template mapping (resource-types.json `template_mappings`). */
  templateMappings: Record<string, Record<string, unknown>>;
  /** template id -> its `parameter_mappings`. */
  parameterMappings: Record<string, Record<string, unknown>>;
  relations: Relations;
}

export interface ListedHop extends MappingHop {
  template: string;
  param: string;
}

export interface ParamReads {
  type: string;
  template: string;
  param: string;
  reads: FieldRead[];
}

/**
 * The templates a type's template mapping may choose among `known`: a constant names one,
 * a concatenation that starts with text names every template starting so, a branch names
 * those of both sides, anything else may name any template.
 */
export function templatesOfType(mapping: unknown, known: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (m: unknown): void => {
    const obj = typeof m === 'string' ? safeCompact(m) : isPlainObject(m) ? m : undefined;
    if (obj === undefined) return;
    if (Object.hasOwn(obj, 'constant')) {
      if (typeof obj.constant === 'string' && known.includes(obj.constant)) found.add(obj.constant);
    } else if (Array.isArray(obj.concatenate)) {
      const prefix = leadingText(obj.concatenate);
      for (const id of known) if (id.startsWith(prefix)) found.add(id);
    } else if (obj.if_mapping !== undefined) {
      visit(obj.then_mapping);
      visit(obj.else_mapping);
    } else {
      for (const id of known) found.add(id);
    }
  };
  visit(mapping);
  return [...found].sort();
}

/** Every hop of every parameter mapping of every template, from the type that uses it. */
export function catalogHops(catalog: CatalogMappings): ListedHop[] {
  return catalogParams(catalog).flatMap(({ type, template, param, mapping }) =>
    mappingReach(mapping, type, catalog.relations).hops.map((hop) => ({ ...hop, template, param })),
  );
}

/** What each parameter of each template reads, per type using the template. */
export function catalogParamReads(catalog: CatalogMappings): ParamReads[] {
  return catalogParams(catalog).map(({ type, template, param, mapping }) => ({
    type,
    template,
    param,
    reads: mappingReach(mapping, type, catalog.relations).reads,
  }));
}

function catalogParams(catalog: CatalogMappings): { type: string; template: string; param: string; mapping: unknown }[] {
  const known = Object.keys(catalog.parameterMappings).sort();
  const out: { type: string; template: string; param: string; mapping: unknown }[] = [];
  for (const [type, byHandler] of Object.entries(catalog.templateMappings)) {
    const templates = new Set(Object.values(byHandler).flatMap((m) => templatesOfType(m, known)));
    for (const template of [...templates].sort()) {
      const params = catalog.parameterMappings[template] ?? {};
      for (const [param, mapping] of Object.entries(params)) out.push({ type, template, param, mapping });
    }
  }
  return out;
}

function safeCompact(text: string): Record<string, unknown> | undefined {
  try {
    return compactToObject(text);
  } catch {
    return undefined;
  }
}

function leadingText(parts: unknown[]): string {
  let text = '';
  for (const part of parts) {
    const obj = typeof part === 'string' ? { constant: part } : isPlainObject(part) ? part : undefined;
    if (obj === undefined || typeof obj.constant !== 'string') break;
    text += obj.constant;
  }
  return text;
}
