import { assertAcyclic, type DependencyGraph } from './dependencies.js';
import { TemplateError } from './errors.js';
import { isPlainObject } from './heat-text.js';
import { findReferences } from './intrinsics.js';
import { parseParameters, type ParameterSchema } from './parameters.js';
import { loadYaml, mappingEntries, toPlain } from './yaml-load.js';

/** HOT versions Heat knows, by date; the release names are Heat's aliases for them. */
export const HOT_VERSIONS: readonly string[] = [
  '2013-05-23',
  '2014-10-16',
  '2015-04-30',
  '2015-10-15',
  '2016-04-08',
  '2016-10-14',
  '2017-02-24',
  '2017-09-01',
  '2018-03-02',
  '2018-08-31',
  '2021-04-16',
];
const VERSION_ALIASES: Readonly<Record<string, string>> = {
  newton: '2016-10-14',
  ocata: '2017-02-24',
  pike: '2017-09-01',
  queens: '2018-03-02',
  rocky: '2018-08-31',
  wallaby: '2021-04-16',
};

const SECTIONS = ['heat_template_version', 'description', 'parameter_groups', 'parameters', 'resources', 'outputs'];
const RESOURCE_KEYS = ['type', 'properties', 'metadata', 'depends_on', 'deletion_policy', 'update_policy'];
const OUTPUT_KEYS = ['value', 'description'];
// Conditions change which resources exist; the catalog never uses them, so they are
// refused loudly rather than silently ignored.
const UNSUPPORTED = ['conditions', 'condition', 'external_id'];

export interface ResourceDefinition {
  readonly name: string;
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly metadata?: unknown;
  /** Explicit depends_on only; `HotTemplate.dependencies` adds the implicit references. */
  readonly dependsOn: readonly string[];
  readonly deletionPolicy?: string;
}

export interface OutputDefinition {
  readonly key: string;
  readonly description?: string;
  readonly value: unknown;
}

export interface HotTemplate {
  /** The date form, also when the template used an alias such as `queens`. */
  readonly version: string;
  readonly description?: string;
  readonly parameters: ReadonlyMap<string, ParameterSchema>;
  readonly resources: ReadonlyMap<string, ResourceDefinition>;
  readonly outputs: readonly OutputDefinition[];
  /** Each resource's prerequisites: depends_on plus get_resource/get_attr references. */
  readonly dependencies: DependencyGraph;
}

function normaliseVersion(raw: unknown): string {
  const text = raw instanceof Date ? raw.toISOString().slice(0, 10) : raw;
  if (typeof text === 'string') {
    const version = VERSION_ALIASES[text] ?? text;
    if (HOT_VERSIONS.includes(version)) return version;
  }
  throw new TemplateError(
    `The template version is invalid: heat_template_version: ${JSON.stringify(raw)}. ` +
      `Use one of ${HOT_VERSIONS.join(', ')}`,
  );
}

function parseResource(name: string, raw: unknown): ResourceDefinition {
  const where = `resources.${name}`;
  const body = toPlain(raw);
  if (!isPlainObject(body)) throw new TemplateError(`${where} must be a mapping`);
  for (const key of Object.keys(body)) {
    if (UNSUPPORTED.includes(key)) throw new TemplateError(`${where}: "${key}" is not supported by the embedded engine`);
    if (!RESOURCE_KEYS.includes(key)) throw new TemplateError(`${where}: "${key}" is not a valid keyword inside a resource definition`);
  }
  const { type, properties, depends_on: dependsOn, metadata, deletion_policy: deletionPolicy } = body;
  if (typeof type !== 'string' || type === '') throw new TemplateError(`${where}: resource type must be a non-empty string`);
  if (properties !== undefined && properties !== null && !isPlainObject(properties)) {
    throw new TemplateError(`${where}: properties must be a mapping`);
  }
  const deps = dependsOn === undefined || dependsOn === null ? [] : Array.isArray(dependsOn) ? dependsOn : [dependsOn];
  if (!deps.every((d): d is string => typeof d === 'string')) {
    throw new TemplateError(`${where}: depends_on must be a resource name or a list of them`);
  }
  const definition: { -readonly [K in keyof ResourceDefinition]: ResourceDefinition[K] } = {
    name,
    type,
    properties: (properties as Record<string, unknown> | null | undefined) ?? {},
    dependsOn: deps,
  };
  if (metadata !== undefined) definition.metadata = metadata;
  if (typeof deletionPolicy === 'string') definition.deletionPolicy = deletionPolicy;
  return definition;
}

function parseOutput(key: string, raw: unknown): OutputDefinition {
  const body = toPlain(raw);
  if (!isPlainObject(body)) throw new TemplateError(`outputs.${key} must be a mapping`);
  for (const k of Object.keys(body)) {
    if (UNSUPPORTED.includes(k)) throw new TemplateError(`outputs.${key}: "${k}" is not supported by the embedded engine`);
    if (!OUTPUT_KEYS.includes(k)) throw new TemplateError(`outputs.${key}: "${k}" is not a valid keyword inside an output definition`);
  }
  if (!Object.hasOwn(body, 'value')) throw new TemplateError(`outputs.${key}: each output definition must contain a value key`);
  const output: { -readonly [K in keyof OutputDefinition]: OutputDefinition[K] } = { key, value: body.value };
  if (body.description !== undefined && body.description !== null) output.description = String(body.description);
  return output;
}

function checkReferences(
  snippet: unknown,
  where: string,
  resources: ReadonlyMap<string, unknown>,
  parameters: ReadonlyMap<string, unknown>,
): Set<string> {
  const refs = findReferences(snippet);
  for (const name of refs.resources) {
    if (!resources.has(name)) throw new TemplateError(`The specified reference "${name}" (in ${where}) is incorrect.`);
  }
  for (const name of refs.params) {
    if (!parameters.has(name)) throw new TemplateError(`The Parameter (${name}) (in ${where}) is not defined in the template.`);
  }
  return refs.resources;
}

/**
 * Parse and validate rendered HOT text: sections, parameter schemas (with defaults
 * checked), resource definitions, outputs, every reference, and the absence of cycles.
 * `load` reads the YAML as loadYaml does (ChunkedYaml keeps parsed pieces); what it
 * returns is only read here, so it may be shared.
 */
export function parseTemplate(text: string, load: (text: string) => unknown = loadYaml): HotTemplate {
  const root = load(text);
  if (!(root instanceof Map)) throw new TemplateError('The template is not a JSON object or YAML mapping.');
  for (const key of root.keys()) {
    if (UNSUPPORTED.includes(String(key))) throw new TemplateError(`The template section "${String(key)}" is not supported by the embedded engine`);
    if (!SECTIONS.includes(String(key))) throw new TemplateError(`The template section is invalid: ${String(key)}`);
  }
  if (!root.has('heat_template_version')) throw new TemplateError('The template has no heat_template_version');
  const version = normaliseVersion(root.get('heat_template_version'));
  const parameters = parseParameters(root.get('parameters'));

  const resources = new Map<string, ResourceDefinition>();
  for (const [name, raw] of mappingEntries(root.get('resources'), 'resources')) {
    resources.set(name, parseResource(name, raw));
  }
  const outputs = mappingEntries(root.get('outputs'), 'outputs').map(([key, raw]) => parseOutput(key, raw));

  const dependencies = new Map<string, Set<string>>();
  for (const resource of resources.values()) {
    const where = `resources.${resource.name}`;
    const deps = checkReferences([resource.properties, resource.metadata ?? null], where, resources, parameters);
    for (const dep of resource.dependsOn) {
      if (!resources.has(dep)) throw new TemplateError(`The specified reference "${dep}" (in ${where}.depends_on) is incorrect.`);
      deps.add(dep);
    }
    dependencies.set(resource.name, deps);
  }
  for (const output of outputs) checkReferences(output.value, `outputs.${output.key}`, resources, parameters);
  assertAcyclic(dependencies);

  const description = root.get('description');
  const template: { -readonly [K in keyof HotTemplate]: HotTemplate[K] } = {
    version,
    parameters,
    resources,
    outputs,
    dependencies,
  };
  if (typeof description === 'string') template.description = description;
  return template;
}
