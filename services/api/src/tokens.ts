/**
 * Bearer tokens → callers. Tokens come from ESI_API_TOKENS and/or the file named by
 * ESI_API_TOKENS_FILE, one entry per item: `<token>=admin` or `<token>=tenant:<id>`
 * (comma- or newline-separated; `#` starts a comment line in the file). With no token
 * configured the api is open and every caller is admin, which the local stack relies on;
 * a setting that is present but holds no entry is refused instead (auth-mode.ts), since
 * it almost always means a secret that failed to arrive, not a wish for open admin.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ADMIN, type Caller } from './caller.js';
import { UnauthenticatedError } from './errors.js';

export interface TokenTable {
  /** True when no token is configured: every caller is admin. */
  readonly open: boolean;
  /** The caller of an `authorization` metadata value; throws when it names nobody. */
  callerOf(authorization: string | undefined): Caller;
  /** Who a caller is for per-caller limits: its token's digest prefix, never the token. */
  keyOf(authorization: string | undefined): string;
}

const TOKEN = /^[A-Za-z0-9._~+/-]{8,512}$/;
const TENANT = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The entries of one source. Errors name the source and the entry's position, never
 * any part of an entry: a malformed line may be a token with a typo in it.
 */
export function parseTokenEntries(text: string, source: string): Map<string, Caller> {
  const out = new Map<string, Caller>();
  // Comment lines go first, whole: a comma inside a comment does not start an entry.
  const items = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) {
    throw new Error(`${source} is set but holds no token entry; give <token>=admin or <token>=tenant:<id> entries, or unset it (open mode is allowed only on a loopback address or with ESI_API_ALLOW_OPEN=true)`);
  }
  for (const [i, item] of items.entries()) {
    const where = `${source}, entry ${i + 1}`;
    const eq = item.indexOf('=');
    const token = eq < 0 ? '' : item.slice(0, eq).trim();
    const who = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (!TOKEN.test(token)) throw new Error(`${where}: a token must be 8–512 characters of [A-Za-z0-9._~+/-] followed by =admin or =tenant:<id>`);
    let caller: Caller;
    if (who === 'admin') caller = ADMIN;
    else if (who.startsWith('tenant:') && TENANT.test(who.slice(7))) caller = { kind: 'tenant', tenant: who.slice(7) };
    else throw new Error(`${where}: an entry must end in =admin or =tenant:<id> (id of letters, digits, - or _)`);
    out.set(digest(token), caller);
  }
  return out;
}

/** The entries of a token file; a file that cannot be read is named without its content. */
export function readTokenFile(path: string): Map<string, Caller> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return parseTokenEntries(text, path);
}

export function tokenTable(fromEnv: string, file: string): TokenTable {
  const entries = new Map<string, Caller>();
  if (fromEnv) for (const [k, v] of parseTokenEntries(fromEnv, 'ESI_API_TOKENS')) entries.set(k, v);
  if (file) for (const [k, v] of readTokenFile(file)) entries.set(k, v);
  return tableOf(entries);
}

export function tableOf(entries: Map<string, Caller>): TokenTable {
  const open = entries.size === 0;
  const bearer = (authorization: string | undefined): string | undefined => /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  return {
    open,
    callerOf(authorization) {
      if (open) return ADMIN;
      const token = bearer(authorization);
      if (!token) throw new UnauthenticatedError('a bearer token is required (metadata "authorization: Bearer <token>")');
      const d = digest(token);
      // Compare digests in constant time so the lookup does not leak how much matched.
      for (const [k, caller] of entries) if (timingSafeEqual(Buffer.from(k, 'hex'), Buffer.from(d, 'hex'))) return caller;
      throw new UnauthenticatedError('unknown token');
    },
    keyOf(authorization) {
      const token = bearer(authorization);
      return token ? `token:${digest(token).slice(0, 16)}` : 'no-token';
    },
  };
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
