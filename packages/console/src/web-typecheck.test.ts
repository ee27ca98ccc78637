/**
 * The front end is TypeScript for the browser (DOM types, JSX), outside the root
 * tsconfig's Node settings, so `pnpm typecheck` does not see it; this test runs its own
 * strict check, so CI covers it with the rest of the tests.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { PACKAGE_DIR, WEB_DIR } from './web-build.js';

it('the front end typechecks (strict, web/tsconfig.json)', async () => {
  const tsc = join(PACKAGE_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', join(WEB_DIR, 'tsconfig.json')], { cwd: PACKAGE_DIR }).then(
    () => '',
    (err: { stdout?: string }) => err.stdout || String(err),
  );
  expect(result).toBe('');
}, 120_000);
