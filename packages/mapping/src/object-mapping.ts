import { evaluateConcatenation } from './concatenation.js';
import { evaluateConditional } from './conditional-mapping.js';
import { MappingFault, badMapping } from './errors.js';
import { type Env, type Evaluated, type Scope, plainValue } from './evaluation.js';
import { readField, readNested } from './field-reading.js';
import { parsePath, walkPath } from './hops.js';
import { preview } from './json.js';
import { evaluateLoop } from './loop-mapping.js';

/**
 * Each object mapping has exactly one form key; these are the keys allowed next to it.
 * Anything else is rejected so a typo in a template (e.g. "pth") fails loudly instead of
 * silently reading the wrong thing.
 */
const FORMS = {
  constant: [],
  field: ['path'],
  output_key: ['path'],
  version: [],
  nested: [],
  concatenate: [],
  if_mapping: ['then_mapping', 'else_mapping'],
  for_field: ['for_mapping'],
} as const satisfies Record<string, readonly string[]>;

type Form = keyof typeof FORMS;

const isForm = (key: string): key is Form => Object.hasOwn(FORMS, key);

/** The mapping's one form key; a mapping with none, several or a stray member is malformed. */
export function formOf(mapping: Record<string, unknown>): Form {
  const keys = Object.keys(mapping);
  const forms = keys.filter(isForm);
  const [form] = forms;
  if (form === undefined || forms.length > 1) {
    throw badMapping(`a mapping needs exactly one of ${Object.keys(FORMS).join(', ')}; got keys ${preview(keys)}`);
  }
  const allowed: readonly string[] = FORMS[form];
  const stray = keys.filter((key) => key !== form && key !== 'ignore_missing' && !allowed.includes(key));
  if (stray.length > 0) throw badMapping(`unexpected ${preview(stray)} in a "${form}" mapping`);
  return form;
}

export function stringMember(mapping: Record<string, unknown>, key: string): string {
  const value = mapping[key];
  if (typeof value !== 'string' || value === '') throw badMapping(`"${key}" must be a non-empty string, got ${preview(value)}`);
  return value;
}

async function evaluateField(mapping: Record<string, unknown>, scope: Scope, env: Env): Promise<Evaluated> {
  const field = stringMember(mapping, 'field');
  if (mapping.path === undefined) return readField(scope, field, env, false);
  const path = parsePath(mapping.path);
  const { end, resources } = await walkPath(path, scope, env);
  const read = readField(end, field, env, path.length > 0);
  return { ...read, resources: [...resources, ...read.resources] };
}

/**
 * Output keys are resolved by the worker at run time; planning only records whose output
 * is meant. The resource's own output lists no resources: it is not a dependency.
 */
async function evaluateOutputKey(mapping: Record<string, unknown>, scope: Scope, env: Env): Promise<Evaluated> {
  const key = stringMember(mapping, 'output_key');
  const { end, resources } =
    mapping.path === undefined ? { end: scope, resources: [] } : await walkPath(parsePath(mapping.path), scope, env);
  return {
    type: 'output_key',
    value: { output_key: key, resource_type: end.resourceType, resource_id: end.resourceId },
    resources,
  };
}

export function nestedKeys(keys: unknown): (string | number)[] {
  const valid =
    Array.isArray(keys) && keys.length > 0 && keys.every((key) => typeof key === 'string' || typeof key === 'number');
  if (!valid) throw badMapping(`"nested" must be a non-empty list of keys, got ${preview(keys)}`);
  return keys as (string | number)[];
}

export function checkVersion(mapping: Record<string, unknown>): void {
  if (mapping.version !== 'auto_filled') throw badMapping(`"version" only knows "auto_filled", got ${preview(mapping.version)}`);
}

export function ignoreMissingOf(mapping: Record<string, unknown>): boolean {
  const ignoreMissing = mapping.ignore_missing ?? false;
  if (typeof ignoreMissing !== 'boolean') throw badMapping(`"ignore_missing" must be true or false, got ${preview(ignoreMissing)}`);
  return ignoreMissing;
}

function evaluateForm(form: Form, mapping: Record<string, unknown>, scope: Scope, env: Env): Promise<Evaluated> | Evaluated {
  switch (form) {
    case 'constant':
      return plainValue(mapping.constant);
    case 'field':
      return evaluateField(mapping, scope, env);
    case 'output_key':
      return evaluateOutputKey(mapping, scope, env);
    case 'version':
      checkVersion(mapping);
      return plainValue(env.version);
    case 'nested':
      return readNested(scope, nestedKeys(mapping.nested));
    case 'concatenate':
      return evaluateConcatenation(mapping.concatenate, scope, env);
    case 'if_mapping':
      return evaluateConditional(mapping, scope, env);
    case 'for_field':
      return evaluateLoop(mapping, scope, env);
  }
}

export async function evaluateObjectMapping(mapping: Record<string, unknown>, scope: Scope, env: Env): Promise<Evaluated> {
  const form = formOf(mapping);
  const ignoreMissing = ignoreMissingOf(mapping);
  try {
    return await evaluateForm(form, mapping, scope, env);
  } catch (error) {
    // Only missing data is forgiven (gw_interface without public_ip_id -> ""); a malformed
    // mapping or a failing lookup must still surface.
    if (ignoreMissing && error instanceof MappingFault && error.failure === 'missing') return plainValue('');
    throw error;
  }
}
