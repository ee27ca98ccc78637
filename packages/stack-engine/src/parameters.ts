import { checkConstraints, parseConstraints, type ParameterConstraint, type ParameterType } from './constraints.js';
import { ParameterError, TemplateError } from './errors.js';
import { heatText, isPlainObject } from './heat-text.js';
import { mappingEntries, toPlain } from './yaml-load.js';

export type { ParameterConstraint, ParameterType } from './constraints.js';

const TYPES: readonly ParameterType[] = ['string', 'number', 'comma_delimited_list', 'json', 'boolean'];

export interface ParameterSchema {
  readonly name: string;
  readonly type: ParameterType;
  /** Already coerced to `type`; undefined when the parameter is required. */
  readonly default?: unknown;
  readonly label?: string;
  readonly description?: string;
  readonly hidden: boolean;
  readonly constraints: readonly ParameterConstraint[];
}

/** Parse the `parameters` section into schemas, in template order. */
export function parseParameters(section: unknown): Map<string, ParameterSchema> {
  const schemas = new Map<string, ParameterSchema>();
  for (const [name, raw] of mappingEntries(section, 'parameters')) {
    schemas.set(name, parseParameterSchema(name, raw));
  }
  return schemas;
}

function parseParameterSchema(name: string, raw: unknown): ParameterSchema {
  const body = toPlain(raw);
  if (!isPlainObject(body)) throw new TemplateError(`Parameter '${name}' must be a mapping`);
  // Keys Heat does not know (the G1 ese_device_new carries a `schema:` block) are
  // ignored: the original backend accepted that template.
  const type = body.type;
  if (type === undefined || type === null) throw new TemplateError(`Missing parameter type for parameter: ${name}`);
  if (typeof type !== 'string' || !TYPES.includes(type as ParameterType)) {
    throw new TemplateError(`Parameter '${name}': invalid type (${String(type)}); use one of ${TYPES.join(', ')}`);
  }
  const schema: {
    -readonly [K in keyof ParameterSchema]: ParameterSchema[K];
  } = {
    name,
    type: type as ParameterType,
    hidden: body.hidden === true || body.hidden === 'true',
    constraints: parseConstraints(name, type as ParameterType, body.constraints),
  };
  if (typeof body.label === 'string') schema.label = body.label;
  if (typeof body.description === 'string') schema.description = body.description;
  // Heat treats `default: null` like no default at all.
  if (body.default !== undefined && body.default !== null) {
    let value: unknown;
    try {
      value = coerceParameter(schema, body.default);
    } catch (cause) {
      throw new TemplateError(`Parameter '${name}': invalid default: ${(cause as Error).message}`, { cause });
    }
    schema.default = value;
  }
  return schema;
}

const TRUE_WORDS = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE_WORDS = ['0', 'f', 'false', 'off', 'n', 'no'];
const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function invalid(schema: ParameterSchema, detail: string): ParameterError {
  return new ParameterError(schema.name, `Parameter '${schema.name}' is invalid: ${detail}`);
}

/**
 * Convert a caller's JS value to the parameter's type the way Heat does for values that
 * arrive over its REST API, then check the constraints.
 */
export function coerceParameter(schema: ParameterSchema, value: unknown): unknown {
  const coerced = coerceType(schema, value);
  const problem = checkConstraints(schema.constraints, coerced);
  if (problem !== undefined) throw invalid(schema, problem);
  return coerced;
}

function coerceType(schema: ParameterSchema, value: unknown): unknown {
  switch (schema.type) {
    case 'string':
      return heatText(value);
    case 'number': {
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && NUMERIC.test(value.trim())) return Number(value.trim());
      throw invalid(schema, `Value '${heatText(value)}' is not a number`);
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const word = heatText(value).trim().toLowerCase();
      if (TRUE_WORDS.includes(word)) return true;
      if (FALSE_WORDS.includes(word)) return false;
      throw invalid(
        schema,
        `Unrecognized value '${heatText(value)}', acceptable values are: ${[...FALSE_WORDS, ...TRUE_WORDS].sort().join(', ')}`,
      );
    }
    case 'comma_delimited_list': {
      if (Array.isArray(value)) return value.map((item) => heatText(item));
      const text = heatText(value);
      return text === '' ? [] : text.split(',').map((item) => item.trim());
    }
    case 'json': {
      if (typeof value === 'string') {
        if (value.trim() === '') return {};
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch (cause) {
          throw new ParameterError(schema.name, `Parameter '${schema.name}' is invalid: Value must be valid JSON`, {
            cause,
          });
        }
        value = parsed;
      }
      if (typeof value === 'object' && value !== null) return structuredClone(value);
      throw invalid(schema, 'Value must be a JSON map or list');
    }
  }
}

/**
 * Resolve the full parameter map of a stack: given values coerced, defaults filled in.
 * A given `null`/`undefined` counts as not given, so the default applies.
 */
export function resolveParameters(
  schemas: ReadonlyMap<string, ParameterSchema>,
  given: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined && !schemas.has(name)) {
      throw new ParameterError(name, `The Parameter (${name}) was not defined in template.`);
    }
  }
  const resolved: Record<string, unknown> = {};
  for (const schema of schemas.values()) {
    const value = Object.hasOwn(given, schema.name) ? given[schema.name] : undefined;
    if (value !== undefined && value !== null) {
      resolved[schema.name] = coerceParameter(schema, value);
    } else if (schema.default !== undefined) {
      resolved[schema.name] = structuredClone(schema.default);
    } else {
      throw new ParameterError(schema.name, `The Parameter (${schema.name}) was not provided.`);
    }
  }
  return resolved;
}
