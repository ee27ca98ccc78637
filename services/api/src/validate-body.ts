/**
 * Checks a submitted body before anything is written: JSON object, known type,
 * required fields present, ids that are safe as etcd key and subject tokens.
 */
import { ValidationError } from './errors.js';

export interface TypeRules {
  plural: string;
  required?: string[];
}

const SAFE_TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

export function parseBodyJson(raw: string, field = 'body_json'): Record<string, unknown> {
  if (!raw || raw.trim() === '') throw new ValidationError(field, 'is required (a JSON object)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ValidationError(field, `is not valid JSON (${(err as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ValidationError(field, 'must be a JSON object');
  return parsed as Record<string, unknown>;
}

export function checkType(type: string, rulesOf: (t: string) => TypeRules | undefined): TypeRules {
  if (!type) throw new ValidationError('resource_type', 'is required');
  const rules = rulesOf(type);
  if (!rules) throw new ValidationError('resource_type', `unknown resource type ${JSON.stringify(type)}`);
  return rules;
}

export function checkId(id: unknown, field: string): string {
  if (typeof id !== 'string' || !SAFE_TOKEN.test(id)) {
    throw new ValidationError(field, 'must be a string of letters, digits, "-" or "_" (at most 128)');
  }
  return id;
}

export function checkRequired(body: Record<string, unknown>, rules: TypeRules): void {
  for (const field of rules.required ?? []) {
    const v = body[field];
    if (v === undefined || v === null || v === '') throw new ValidationError(`body_json.${field}`, 'is required');
  }
}
