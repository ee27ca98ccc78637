/**
 * The front end is built on demand, never committed: `pnpm start` and the tests call
 * ensureWebBuild, which runs Vite only when dist/web is missing or was built from other
 * sources (a hash of every file under web/ is kept next to the output). The build goes
 * to a folder of its own and is renamed into place, so two processes building at once
 * never serve half a build.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIR = join(PACKAGE_DIR, 'web');
// Under dist/, which git and eslint ignore throughout the repository.
export const WEB_DIST = join(PACKAGE_DIR, 'dist', 'web');
const STAMP = '.source-hash';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** What the build is made from: every source file under web/ and the package's dependencies. */
export function sourceHash(): string {
  const h = createHash('sha256');
  for (const f of [...filesUnder(WEB_DIR), join(PACKAGE_DIR, 'package.json')]) {
    h.update(relative(PACKAGE_DIR, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

export function webBuildIsCurrent(): boolean {
  const stamp = join(WEB_DIST, STAMP);
  return existsSync(join(WEB_DIST, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === sourceHash();
}

/** Builds the front end unless dist/web is current; resolves with whether it built. */
export async function ensureWebBuild(say: (line: string) => void = () => undefined): Promise<boolean> {
  if (webBuildIsCurrent()) return false;
  const hash = sourceHash();
  const out = `${WEB_DIST}.build-${process.pid}`;
  rmSync(out, { recursive: true, force: true });
  const started = Date.now();
  say('console: building the front end (vite)');
  await run(process.execPath, [join(PACKAGE_DIR, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(WEB_DIR, 'vite.config.ts'), '--outDir', out, '--emptyOutDir', '--logLevel', 'warn']);
  writeFileSync(join(out, STAMP), hash);
  rmSync(WEB_DIST, { recursive: true, force: true });
  try {
    renameSync(out, WEB_DIST);
  } catch (err) {
    // Another process put its build in place first; both were made from the same sources.
    rmSync(out, { recursive: true, force: true });
    if (!webBuildIsCurrent()) throw err;
  }
  say(`console: front end built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return true;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: PACKAGE_DIR, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}): ${stderr.trim()}`))));
  });
}
