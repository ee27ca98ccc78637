/**
 * @esi/mapping — the planner's template-mapping and parameter-mapping languages
 * (esi-reference §4.2–4.4). Pure: the only I/O is the injected ResourceLookup.
 *
 * Beyond the core surface it exports `MappingFailure` (the category in MappingError.failure:
 * missing data, bad data, bad mapping or failed lookup) and `MappingErrorOptions`.
 */
export type { MappingContext, ParamType, PlannedParam, Relations, ResourceLookup, ResourceRef } from './types.js';
export { MappingError, type MappingErrorOptions, type MappingFailure } from './errors.js';
export { resolveTemplateId } from './template-mapping.js';
export { mappingProblems } from './mapping-shape.js';
export { planParams } from './plan-params.js';
export { pythonMatch } from './python-regex.js';
export { mappingReach, type MappingHop, type FieldRead, type MappingReach } from './mapping-reads.js';
export { catalogHops, catalogParamReads, templatesOfType, type CatalogMappings, type ListedHop, type ParamReads } from './catalog-reach.js';
