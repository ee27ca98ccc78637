/**
 * Parses configuration once, from an injected environment, into a frozen object.
 * Libraries take the result; only composition roots read process.env.
 */
import { ConfigError } from './errors.js';
import { hideCredentials, hideSecret } from './redact.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface FieldSpec<T> {
  /** The environment variable. */
  env: string;
  /** Used when the variable is unset (or empty, unless emptyIsSet); omit to make it required. */
  default?: T;
  parse: (raw: string) => T;
  doc?: string;
  /**
   * The value is a secret (a token, a password): an error names the variable but never
   * shows its value, nor any piece of it a parser put into its message.
   */
  secret?: boolean;
  /**
   * An empty value is handed to parse instead of meaning "unset". For settings where
   * "set but empty" is a mistake worth refusing (e.g. a tokens list interpolated from an
   * unset compose variable) rather than a silent default.
   */
  emptyIsSet?: boolean;
}

export type Spec<C> = { [K in keyof C]: FieldSpec<C[K]> };

/** A rule across several settings; returns what is wrong (nothing when all is well). */
export type Check<C> = (config: Readonly<C>) => string[];

export function parseConfig<C>(spec: Spec<C>, env: Env, checks: readonly Check<C>[] = []): Readonly<C> {
  const problems: string[] = [];
  const out: Partial<C> = {};
  for (const key of Object.keys(spec) as (keyof C)[]) {
    const field = spec[key];
    const raw = env[field.env];
    if (raw === undefined || (raw === '' && !field.emptyIsSet)) {
      if ('default' in field) out[key] = field.default as C[typeof key];
      else problems.push(`${field.env} is required${field.doc ? ` (${field.doc})` : ''}`);
      continue;
    }
    try {
      out[key] = field.parse(raw);
    } catch (err) {
      problems.push(describeProblem(field, raw, (err as Error).message));
    }
  }
  // Cross-setting rules only make sense once every setting parsed.
  if (problems.length === 0) for (const check of checks) problems.push(...check(out as C));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out as C);
}

function describeProblem(field: FieldSpec<unknown>, raw: string, message: string): string {
  if (field.secret) return `${field.env} (value not shown): ${hideSecret(message, raw)}`;
  // A URL's user:password part is a secret even where the setting as a whole is not.
  return `${field.env}=${JSON.stringify(hideCredentials(raw))}: ${hideCredentials(message)}`;
}

/** Parsers for the value shapes our services use. */
export const parsers = {
  string: (raw: string): string => raw,
  int:
    (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) =>
    (raw: string): number => {
      if (!/^-?\d+$/.test(raw.trim())) throw new Error('expected an integer');
      const n = Number(raw);
      if (n < min || n > max) throw new Error(`expected an integer in [${min}, ${max}]`);
      return n;
    },
  bool: (raw: string): boolean => {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    throw new Error('expected true or false');
  },
  /** Comma-separated URLs such as ETCD_ENDPOINTS or NATS_URL. */
  urlList: (raw: string): string[] => {
    const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length === 0) throw new Error('expected at least one URL');
    for (const item of items) {
      try {
        new URL(item);
      } catch {
        throw new Error(`not a URL: ${hideCredentials(item)}`);
      }
    }
    return items;
  },
  /**
   * Server URLs that must not carry credentials: the list is logged (the "ready" line)
   * and shown in errors, so a password inside it would be too. Credentials have their
   * own, secret settings (NATS_USER/NATS_PASSWORD, NATS_TOKEN).
   */
  serverList:
    (whereCredentialsGo: string) =>
    (raw: string): string[] => {
      const items = parsers.urlList(raw);
      if (items.some((item) => new URL(item).username !== '' || new URL(item).password !== '')) {
        throw new Error(`credentials in the URL are not accepted (they would be logged with the server list); ${whereCredentialsGo}`);
      }
      return items;
    },
  /** host:port, as used for listen addresses. */
  hostPort: (raw: string): string => {
    const m = /^(.*):(\d{1,5})$/.exec(raw.trim());
    if (!m || !m[1] || Number(m[2]) > 65535) throw new Error('expected host:port');
    return raw.trim();
  },
  oneOf:
    <T extends string>(...allowed: T[]) =>
    (raw: string): T => {
      if (!(allowed as string[]).includes(raw)) throw new Error(`expected one of ${allowed.join(', ')}`);
      return raw as T;
    },
};
