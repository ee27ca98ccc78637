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

  it('refuses a setting or file that is present but holds no entry (blank, commas, comments)', () => {
    for (const text of ['', '   ', ' , ,\n', '# only a comment\n\n', '  # a comment, with a comma\n']) {
      expect(() => parseTokenEntries(text, 'ESI_API_TOKENS')).toThrow(/ESI_API_TOKENS is set but holds no token entry.*ESI_API_ALLOW_OPEN=true/);
    }
    const dir = mkdtempSync(join(tmpdir(), 'esi-tokens-'));
    writeFileSync(join(dir, 'blank'), '# tokens go here\n\n');
    expect(() => tokenTable('', join(dir, 'blank'))).toThrow(/holds no token entry/);
  });

  it('never echoes any entry of a malformed list: neither the bad one nor its neighbours', () => {
    const entries = ['good-admin-token-1=admin', 'typo-token-secret=tenat:acme', 'good-tenant-token-2=tenant:beta'];
    let message = '';
    try {
      parseTokenEntries(entries.join(','), 'ESI_API_TOKENS');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^ESI_API_TOKENS, entry 2: an entry must end in =admin or =tenant:<id>/);
    for (const e of entries) expect(message).not.toContain(e.split('=')[0]);
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
