import { readFileSync } from 'node:fs';
import { mappingProblems } from '@esi/mapping';
import { relationsFile, resourceTypesFile } from './paths.js';
import { HANDLERS, isHandler, type Handler, type ParameterMapping } from './template-types.js';

/**
 * One row of the resource-type table.  A type is workable for a handler exactly when it
 * has a template mapping for it; types without any mapping are answered with
 * READ_COMPLETE (esi-reference §3.5).
 */
export interface ResourceType {
  plural: string;
  /** Key prefix below /config/ when it is not "v2.0" (tenants: "common/v1.0"). */
  prefix?: string;
  required: string[];
  template_mappings: Partial<Record<Handler, ParameterMapping>>;
}

export type ResourceTypes = Record<string, ResourceType>;

/** type -> foreign-key field -> referenced type (what untyped path hops follow). */
export type Relations = Record<string, Record<string, string>>;

export const DEFAULT_PREFIX = 'v2.0';

let cachedTypes: ResourceTypes | undefined;
let cachedRelations: Relations | undefined;

/** The resource-type table of this package (validated once, then cached). */
export function loadResourceTypes(file?: string): ResourceTypes {
  if (file !== undefined) return parseResourceTypes(readJson(file), file);
  cachedTypes ??= parseResourceTypes(readJson(resourceTypesFile), resourceTypesFile);
  return cachedTypes;
}

/** The foreign-key table of this package (validated once, then cached). */
export function loadRelations(file?: string): Relations {
  if (file !== undefined) return parseRelations(readJson(file), file);
  cachedRelations ??= parseRelations(readJson(relationsFile), relationsFile);
  return cachedRelations;
}

/** Gohan plural of a type; throws for a type the table does not know. */
export function pluralOf(type: string): string {
  const entry = loadResourceTypes()[type];
  if (!entry) throw new Error(`unknown resource type "${type}"`);
  return entry.plural;
}

/** Key prefix below /config/ of a type: "v2.0" unless the table says otherwise. */
export function prefixOf(type: string): string {
  const entry = loadResourceTypes()[type];
  if (!entry) throw new Error(`unknown resource type "${type}"`);
  return entry.prefix ?? DEFAULT_PREFIX;
}

/**
 * Type of a plural as found in a key, or undefined when unknown.  Two schemas share the
 * plural "extensions" (Gohan's own and the v2.0 one); the v2.0 type wins because only
 * v2.0 and common/v1.0 resources appear under /config.
 */
export function typeOfPlural(plural: string): string | undefined {
  const types = loadResourceTypes();
  let found: string | undefined;
  for (const [type, entry] of Object.entries(types)) {
    if (entry.plural !== plural) continue;
    if (found === undefined || entry.prefix === undefined) found = type;
  }
  return found;
}

/** The template mapping of a type for one handler, if the type is workable for it. */
export function templateMappingOf(type: string, handler: Handler): ParameterMapping | undefined {
  return loadResourceTypes()[type]?.template_mappings[handler];
}

function parseResourceTypes(data: unknown, source: string): ResourceTypes {
  if (!isRecord(data)) throw new Error(`${source}: not an object`);
  const types: ResourceTypes = {};
  for (const [type, entry] of Object.entries(data)) {
    const where = `${source}: ${type}`;
    if (!isRecord(entry)) throw new Error(`${where}: not an object`);
    const { plural, prefix, required, template_mappings } = entry;
    if (typeof plural !== 'string' || plural === '') throw new Error(`${where}: plural must be a string`);
    if (prefix !== undefined && typeof prefix !== 'string') throw new Error(`${where}: prefix must be a string`);
    if (!Array.isArray(required) || !required.every((f) => typeof f === 'string')) {
      throw new Error(`${where}: required must be a list of field names`);
    }
    if (!isRecord(template_mappings)) throw new Error(`${where}: template_mappings must be an object`);
    const mappings: ResourceType['template_mappings'] = {};
    for (const [handler, mapping] of Object.entries(template_mappings)) {
      if (!isHandler(handler)) throw new Error(`${where}: template_mappings has unknown handler "${handler}" (known: ${HANDLERS.join(', ')})`);
      const problems = mappingProblems(mapping, `${where}.${handler}`);
      if (problems.length > 0) throw new Error(problems.join('; '));
      mappings[handler] = mapping as ParameterMapping;
    }
    types[type] = { plural, ...(prefix === undefined ? {} : { prefix }), required: required as string[], template_mappings: mappings };
  }
  return types;
}

function parseRelations(data: unknown, source: string): Relations {
  if (!isRecord(data)) throw new Error(`${source}: not an object`);
  for (const [type, fks] of Object.entries(data)) {
    if (!isRecord(fks) || !Object.values(fks).every((t) => typeof t === 'string')) {
      throw new Error(`${source}: ${type} must map foreign-key fields to type names`);
    }
  }
  return data as Relations;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
