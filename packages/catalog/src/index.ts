export * from './template-types.js';
export { defaultCatalogDir, templateSourceDir, packageDir } from './paths.js';
export { loadTemplates, templateBody } from './load-templates.js';
export { goJson, storedTemplateValue, encodeStoredTemplate } from './go-json.js';
export { readTemplateSources, buildCatalog } from './template-source.js';
export {
  DEFAULT_PREFIX,
  loadResourceTypes,
  loadRelations,
  pluralOf,
  prefixOf,
  typeOfPlural,
  templateMappingOf,
  type ResourceType,
  type ResourceTypes,
  type Relations,
} from './resource-types.js';
export {
  loadExampleBuild,
  refsIn,
  resolveRefs,
  buildProblems,
  type BuildRequest,
  type CreatedResource,
  type RefUse,
} from './example-build.js';
export { loadSchemas, defaultSchemasDir, JSON_TYPES, FIELD_FORMATS, type FieldSchema, type ResourceSchema, type ResourceSchemas, type JsonType, type FieldFormat } from './schemas.js';
export { ownerOf, mayReference, referrerOf, sharedTypesOf, type SharedTypes } from './tenancy.js';
