/**
 * The `esictl` command as installed (package.json "bin"): the file runs by itself
 * (shebang, executable bit, tsx found from the package), as it does on PATH in the image.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; bin: Record<string, string> };
const bin = new URL(`../${pkg.bin.esictl}`, import.meta.url).pathname;
const run = promisify(execFile);

describe('the esictl bin', () => {
  it('runs as a command: --version, and a command\'s --help', async () => {
    const version = await run(bin, ['--version'], { cwd: '/' });
    expect(version.stdout).toBe(`esictl ${pkg.version}\n`);
    const help = await run(bin, ['get', '--help'], { cwd: '/' });
    expect(help.stdout).toContain('  get <type> <id>');
  }, 60_000);

  it('exits 2 on a usage error', async () => {
    const err = await run(bin, ['frobnicate'], { cwd: '/' }).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2 });
  }, 60_000);
});
