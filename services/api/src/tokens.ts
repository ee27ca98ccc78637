/**
 * Bearer tokens → callers. Tokens come from ESI_API_TOKENS and/or the file named by
 * ESI_API_TOKENS_FILE, one entry per item: `<token>=admin` or `<token>=tenant:<id>`
 * (comma- or newline-separated; `#` starts a comment line in the file). With no token
 * configured the api is open and every caller is admin, which the local stack relies on.
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
}

const TOKEN = /^[A-Za-z0-9._~+/-]{8,512}$/;
const TENANT = /^[A-Za-z0-9_-]{1,128}$/;

export function parseTokenEntries(text: string, source: string): Map<string, Caller> {
  const out = new Map<string, Caller>();
  const items = text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'));
  for (const item of items) {
    const eq = item.indexOf('=');
    const token = eq < 0 ? '' : item.slice(0, eq).trim();
    const who = eq < 0 ? '' : item.slice(eq + 1).trim();
    // The token itself is never echoed into an error message.
    if (!TOKEN.test(token)) throw new Error(`${source}: a token must be 8–512 characters of [A-Za-z0-9._~+/-] followed by =admin or =tenant:<id>`);
    let caller: Caller;
    if (who === 'admin') caller = ADMIN;
    else if (who.startsWith('tenant:') && TENANT.test(who.slice(7))) caller = { kind: 'tenant', tenant: who.slice(7) };
    else throw new Error(`${source}: an entry must end in =admin or =tenant:<id> (id of letters, digits, - or _)`);
    out.set(digest(token), caller);
  }
  return out;
}

export function tokenTable(fromEnv: string, file: string): TokenTable {
  const entries = new Map<string, Caller>();
  if (fromEnv) for (const [k, v] of parseTokenEntries(fromEnv, 'ESI_API_TOKENS')) entries.set(k, v);
  if (file) for (const [k, v] of parseTokenEntries(readFileSync(file, 'utf8'), file)) entries.set(k, v);
  return tableOf(entries);
}

export function tableOf(entries: Map<string, Caller>): TokenTable {
  const open = entries.size === 0;
  return {
    open,
    callerOf(authorization) {
      if (open) return ADMIN;
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!m) throw new UnauthenticatedError('a bearer token is required (metadata "authorization: Bearer <token>")');
      const d = digest(m[1]!);
      // Compare digests in constant time so the lookup does not leak how much matched.
      for (const [k, caller] of entries) if (timingSafeEqual(Buffer.from(k, 'hex'), Buffer.from(d, 'hex'))) return caller;
      throw new UnauthenticatedError('unknown token');
    },
  };
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
