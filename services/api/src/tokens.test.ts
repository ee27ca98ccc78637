// Bearer tokens from env or file map to admin or to a tenant; no tokens means open.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from './errors.js';
import { parseTokenEntries, tokenTable } from './tokens.js';

describe('tokens', () => {
  it('without any token every caller is admin', () => {
    const t = tokenTable('', '');
    expect(t.open).toBe(true);
    expect(t.callerOf(undefined)).toEqual({ kind: 'admin' });
  });

  it('maps tokens from env and file, and refuses missing or unknown ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'esi-tokens-'));
    const file = join(dir, 'tokens');
    writeFileSync(file, '# operators\nfile-admin-token=admin\nacme-token-123=tenant:acme\n');
    const t = tokenTable('env-token-beta=tenant:beta', file);
    expect(t.open).toBe(false);
    expect(t.callerOf('Bearer file-admin-token')).toEqual({ kind: 'admin' });
    expect(t.callerOf('bearer acme-token-123')).toEqual({ kind: 'tenant', tenant: 'acme' });
    expect(t.callerOf('Bearer env-token-beta')).toEqual({ kind: 'tenant', tenant: 'beta' });
    expect(() => t.callerOf(undefined)).toThrow(UnauthenticatedError);
    expect(() => t.callerOf('Bearer nope-nope-nope')).toThrow(UnauthenticatedError);
    expect(() => t.callerOf('Basic abc')).toThrow(UnauthenticatedError);
  });

  it('names the source of a bad entry without echoing the token', () => {
    expect(() => parseTokenEntries('short=admin', 'ESI_API_TOKENS')).toThrow(/ESI_API_TOKENS/);
    expect(() => parseTokenEntries('long-enough-token=root', 'ESI_API_TOKENS')).toThrow(/=admin or =tenant/);
    try {
      parseTokenEntries('long-enough-token=tenant:has.dot', 'ESI_API_TOKENS');
    } catch (err) {
      expect((err as Error).message).not.toContain('long-enough-token');
    }
  });
});
