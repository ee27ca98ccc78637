import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Runs an entry point with one bad setting; it must stop before doing anything else. */
function runWith(entry: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, entry)], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr };
}

describe('parseConfigOrExit at the launchers', () => {
  it('pnpm start exits 2 naming the bad variable', () => {
    const r = runWith('packages/local-stack/src/main.ts', { ESI_API_ADDR: 'not a host port' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^\[esi\] invalid configuration:\n\s+- ESI_API_ADDR/m);
  });

  it('the console exits 2 naming the bad variable', () => {
    const r = runWith('packages/console/src/main.ts', { ESI_CONSOLE_ADDR: 'nowhere' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^\[console\] invalid configuration:\n\s+- ESI_CONSOLE_ADDR/m);
  });
});
