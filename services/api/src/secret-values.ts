/**
 * The secret values in force: every value of a field a schema marks `secret`, across the
 * resources of the types that have one (the provider's routers and devices, a few
 * interface types). Texts a tenant is shown that no schema describes — /state and
 * /monitoring values, other resources' state errors in Explain — are scrubbed with them,
 * since a worker's error or a stack output can quote a password it was given. Read from
 * /config and kept for a moment (SECRETS_TTL_MS), like the mapping facts, so a busy watch
 * does not read per event.
 */
import type { FieldSchema } from '@esi/catalog';
import { configCollectionPrefix } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
import { MASK, isSecretParamName, redactBody, scrubText } from './redaction.js';
import { parseObject } from './resource-reads.js';
import type { TypeRegistry } from './type-rules.js';
import { CachedRead } from './cached-read.js';

export const SECRETS_TTL_MS = 2_000;

export class SecretValues {
  private readonly cache: CachedRead<ReadonlySet<string>>;

  constructor(
    private readonly store: OwnedStore,
    private readonly types: TypeRegistry,
    now: () => number = Date.now,
  ) {
    this.cache = new CachedRead(() => this.read(), SECRETS_TTL_MS, now);
  }

  current(): Promise<ReadonlySet<string>> {
    return this.cache.current();
  }

  private async read(): Promise<ReadonlySet<string>> {
    const values = new Set<string>();
    const typesWithSecrets = Object.keys(this.types.table).filter((t) => hasSecret(this.types.schemaOf(t)?.fields ?? {}));
    const reads = typesWithSecrets.map(async (type) => {
      const plural = this.types.pluralOf(type);
      if (!plural) return;
      for (const raw of (await this.store.getPrefix(configCollectionPrefix(plural))).values()) {
        redactBody(parseObject(String(parseObject(raw).body ?? '')), this.types.schemaOf(type), values);
      }
    });
    await Promise.all(reads);
    return values;
  }
}

function hasSecret(fields: Record<string, FieldSchema>): boolean {
  return Object.values(fields).some((f) => f.secret === true || hasSecret(f.fields ?? {}) || hasSecret(f.items?.fields ?? {}));
}

/**
 * A /state or /monitoring value as a tenant may see it: every member whose name says it
 * holds a secret masked and every known secret value scrubbed, at any depth — including
 * inside the JSON text the aggregator stores per job_state field. Text that is not JSON
 * is scrubbed as text.
 */
export function redactStatusJson(json: string, secrets: ReadonlySet<string>): string {
  if (json === '') return json;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return scrubText(json, secrets);
  }
  const out = redactStatus(value, secrets);
  return out === value ? json : JSON.stringify(out);
}

/** The value with secrets masked; the very same value when there was nothing to mask. */
function redactStatus(value: unknown, secrets: ReadonlySet<string>): unknown {
  if (typeof value === 'string') {
    const nested = nestedJson(value);
    if (nested !== undefined) {
      const out = redactStatus(nested, secrets);
      return out === nested ? value : JSON.stringify(out);
    }
    const scrubbed = scrubText(value, secrets);
    return scrubbed === value ? value : scrubbed;
  }
  if (Array.isArray(value)) {
    const out = value.map((v) => redactStatus(v, secrets));
    return out.some((v, i) => v !== value[i]) ? out : value;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const masked = isSecretParamName(k) && v !== null && v !== '' ? MASK : redactStatus(v, secrets);
      if (masked !== v) changed = true;
      out[k] = masked;
    }
    return changed ? out : value;
  }
  return value;
}

/** A string that holds a JSON object or list (job_state fields are stored as JSON text). */
function nestedJson(text: string): unknown {
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
