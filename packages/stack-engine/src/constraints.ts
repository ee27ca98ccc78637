import { TemplateError } from './errors.js';
import { isPlainObject } from './heat-text.js';
import { toPlain } from './yaml-load.js';

export type ParameterType = 'string' | 'number' | 'comma_delimited_list' | 'json' | 'boolean';

export type ParameterConstraint =
  | { kind: 'length'; min?: number; max?: number; description?: string }
  | { kind: 'range'; min?: number; max?: number; description?: string }
  | { kind: 'allowed_values'; values: unknown[]; description?: string }
  | { kind: 'allowed_pattern'; pattern: string; description?: string }
  | { kind: 'modulo'; step: number; offset: number; description?: string }
  /** Checked by a service lookup in real Heat (glance.image, nova.flavor); recorded, not enforced. */
  | { kind: 'custom_constraint'; name: string; description?: string };

type Kind = ParameterConstraint['kind'];

// Which parameter types each constraint may be attached to, as Heat allows them.
const APPLIES_TO: Record<Kind, readonly ParameterType[]> = {
  length: ['string', 'comma_delimited_list', 'json'],
  range: ['number'],
  allowed_values: ['string', 'number', 'comma_delimited_list', 'boolean'],
  allowed_pattern: ['string'],
  modulo: ['number'],
  custom_constraint: ['string', 'number', 'comma_delimited_list', 'json', 'boolean'],
};

const KINDS = Object.keys(APPLIES_TO) as Kind[];

function optionalNumber(raw: unknown, what: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const n = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new TemplateError(`${what} must be a number`);
  return n;
}

function withDescription<T extends ParameterConstraint>(c: T, description: unknown): T {
  return typeof description === 'string' ? { ...c, description } : c;
}

/** Parse the `constraints` list of one parameter. */
export function parseConstraints(param: string, type: ParameterType, raw: unknown): ParameterConstraint[] {
  if (raw === undefined || raw === null) return [];
  const list = toPlain(raw);
  if (!Array.isArray(list)) throw new TemplateError(`Parameter '${param}': constraints must be a list`);
  return list.map((entry) => {
    if (!isPlainObject(entry)) throw new TemplateError(`Parameter '${param}': each constraint must be a mapping`);
    const kinds = KINDS.filter((k) => k in entry);
    const kind = kinds[0];
    if (kind === undefined || kinds.length > 1) {
      throw new TemplateError(`Parameter '${param}': a constraint needs exactly one of ${KINDS.join(', ')}`);
    }
    if (!APPLIES_TO[kind].includes(type)) {
      throw new TemplateError(`Parameter '${param}': constraint ${kind} does not apply to type ${type}`);
    }
    const body = entry[kind];
    const where = `Parameter '${param}': ${kind}`;
    switch (kind) {
      case 'length':
      case 'range': {
        if (!isPlainObject(body)) throw new TemplateError(`${where} must be a mapping with min and/or max`);
        const min = optionalNumber(body.min, `${where} min`);
        const max = optionalNumber(body.max, `${where} max`);
        if (min === undefined && max === undefined) throw new TemplateError(`${where} needs min or max`);
        const c: { kind: 'length' | 'range'; min?: number; max?: number } = { kind };
        if (min !== undefined) c.min = min;
        if (max !== undefined) c.max = max;
        return withDescription(c, entry.description);
      }
      case 'allowed_values':
        if (!Array.isArray(body)) throw new TemplateError(`${where} must be a list`);
        return withDescription({ kind, values: body }, entry.description);
      case 'allowed_pattern': {
        if (typeof body !== 'string') throw new TemplateError(`${where} must be a string`);
        compilePattern(body, where);
        return withDescription({ kind, pattern: body }, entry.description);
      }
      case 'modulo': {
        if (!isPlainObject(body)) throw new TemplateError(`${where} must be a mapping with step and offset`);
        const step = optionalNumber(body.step, `${where} step`);
        const offset = optionalNumber(body.offset, `${where} offset`);
        if (step === undefined || offset === undefined || step === 0) {
          throw new TemplateError(`${where} needs a non-zero step and an offset`);
        }
        return withDescription({ kind, step, offset }, entry.description);
      }
      case 'custom_constraint':
        if (typeof body !== 'string') throw new TemplateError(`${where} must be a string`);
        return withDescription({ kind, name: body }, entry.description);
    }
  });
}

// Heat requires the whole value to match (re.match plus an end check). Python's named
// groups are spelled (?P<n>…) where JavaScript uses (?<n>…).
function compilePattern(pattern: string, where: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern.replace(/\(\?P</g, '(?<')})$`, 'u');
  } catch (cause) {
    throw new TemplateError(`${where} is not a valid regular expression`, { cause });
  }
}

function sizeOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  return 0;
}

function sameValue(allowed: unknown, value: unknown): boolean {
  if (typeof value === 'number') return Number(allowed) === value;
  if (typeof value === 'boolean') return String(allowed).toLowerCase() === String(value);
  return String(allowed) === String(value);
}

function bounds(c: { min?: number; max?: number }): string {
  return `(min: ${c.min ?? 'None'}, max: ${c.max ?? 'None'})`;
}

/** The violation message of the first failing constraint, or undefined when all hold. */
export function checkConstraints(constraints: readonly ParameterConstraint[], value: unknown): string | undefined {
  for (const c of constraints) {
    const problem = violation(c, value);
    if (problem !== undefined) return c.description ?? problem;
  }
  return undefined;
}

function violation(c: ParameterConstraint, value: unknown): string | undefined {
  switch (c.kind) {
    case 'length': {
      const len = sizeOf(value);
      const ok = (c.min === undefined || len >= c.min) && (c.max === undefined || len <= c.max);
      return ok ? undefined : `length (${len}) is out of range ${bounds(c)}`;
    }
    case 'range': {
      const n = value as number;
      const ok = (c.min === undefined || n >= c.min) && (c.max === undefined || n <= c.max);
      return ok ? undefined : `${n} is out of range ${bounds(c)}`;
    }
    case 'allowed_values': {
      const items = Array.isArray(value) ? value : [value];
      const bad = items.find((item) => !c.values.some((allowed) => sameValue(allowed, item)));
      return bad === undefined ? undefined : `"${String(bad)}" is not an allowed value ${JSON.stringify(c.values)}`;
    }
    case 'allowed_pattern':
      return compilePattern(c.pattern, c.pattern).test(String(value))
        ? undefined
        : `"${String(value)}" does not match pattern "${c.pattern}"`;
    case 'modulo': {
      const n = value as number;
      const rem = ((n % c.step) + c.step) % c.step;
      return rem === c.offset ? undefined : `${n} is not a multiple of ${c.step} with an offset of ${c.offset}`;
    }
    case 'custom_constraint':
      return undefined;
  }
}
