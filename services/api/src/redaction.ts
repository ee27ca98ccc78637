/**
 * What a tenant never sees: the value of a field its schema marks `secret` (edge router
 * logins and passwords, BGP keys), a job param derived from one, or any text that
 * happens to contain such a value (an error that quotes a param). Admins see values.
 */
import type { FieldSchema, ResourceSchema } from '@esi/catalog';

export const MASK = '***';

/** Fallback for params whose mapping could not be traced to a marked field (templates stored at run time). */
const SECRET_NAME = /password|passwd|community|login|secret|token|md5|credential/i;

export function isSecretParamName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A copy of a body with every secret field masked; `secrets` collects the values masked. */
export function redactBody(body: Record<string, unknown>, schema: ResourceSchema | undefined, secrets?: Set<string>): Record<string, unknown> {
  if (!schema) return body;
  return redactObject(body, schema.fields, secrets);
}

/** The same for a body as JSON text; text that is not an object is returned as it is. */
export function redactBodyJson(json: string, schema: ResourceSchema | undefined): string {
  if (!schema || json === '') return json;
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    return json;
  }
  if (!isObject(body)) return json;
  return JSON.stringify(redactBody(body, schema));
}

/** A /config envelope ({body: "<json>", ...}) with its body redacted. */
export function redactEnvelopeJson(json: string, schema: ResourceSchema | undefined): string {
  if (!schema || json === '') return json;
  try {
    const envelope = JSON.parse(json) as unknown;
    if (!isObject(envelope) || typeof envelope.body !== 'string') return json;
    return JSON.stringify({ ...envelope, body: redactBodyJson(envelope.body, schema) });
  } catch {
    return json;
  }
}

/** Every secret value (strings of three characters or more) held by a value, for scrubbing text. */
export function collectSecretValues(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (value.length >= 3 && value !== MASK) into.add(value);
  } else if (typeof value === 'number') {
    collectSecretValues(String(value), into);
  } else if (Array.isArray(value)) {
    for (const v of value) collectSecretValues(v, into);
  } else if (isObject(value)) {
    for (const v of Object.values(value)) collectSecretValues(v, into);
  }
}

/** `text` with every occurrence of a secret value masked, longest first so a prefix cannot uncover a rest. */
export function scrubText(text: string, secrets: ReadonlySet<string>): string {
  if (secrets.size === 0 || text === '') return text;
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/** Every string leaf of a JSON value scrubbed; structure is never touched. */
export function scrubDeep(value: unknown, secrets: ReadonlySet<string>): unknown {
  if (secrets.size === 0) return value;
  if (typeof value === 'string') return scrubText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, secrets)]));
  return value;
}

function redactObject(obj: Record<string, unknown>, fields: Record<string, FieldSchema>, secrets?: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...obj };
  for (const [name, field] of Object.entries(fields)) {
    if (!Object.hasOwn(out, name)) continue;
    out[name] = redactValue(out[name], field, secrets);
  }
  return out;
}

function redactValue(value: unknown, field: FieldSchema, secrets?: Set<string>): unknown {
  if (value === null || value === undefined || value === '') return value;
  if (field.secret) {
    if (secrets) collectSecretValues(value, secrets);
    return MASK;
  }
  if (field.items && Array.isArray(value)) return value.map((v) => redactValue(v, field.items!, secrets));
  if (field.fields && isObject(value)) return redactObject(value, field.fields, secrets);
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
