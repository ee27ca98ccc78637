/**
 * A copy of the workspace compiled to JavaScript the way the production image compiles
 * it (deploy/docker/compile.sh: esbuild file by file, exports pointed at the .js), so a
 * stack can run the services as deployments run them rather than through tsx, whose
 * transform adds a `__name` call to every function it defines and whose source maps
 * are consulted for every error stack. The bench measures this by default.
 *
 * The copy holds the packages' sources (tests and bench results left out) and their
 * node_modules as the symbolic links pnpm made: a workspace package's links are relative,
 * so they resolve inside the copy, to the compiled packages; every other dependency
 * resolves, through a link to this checkout's root node_modules, to the installed one.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { REPO_ROOT } from './repo-root.js';

/** Top-level folders whose packages the services import, directly or through others. */
const PACKAGE_ROOTS = ['packages', 'services', 'tools'];
/** Not needed to run a service: the bench itself (and its kept results). */
const LEFT_OUT = new Set([join('tools', 'bench')]);

/**
 * Copies and compiles the workspace into `outDir` (which must not exist yet or be
 * empty) and returns it: a service then runs as `node <outDir>/services/<name>/src/main.js`.
 */
export function compileWorkspace(outDir: string, from: string = REPO_ROOT): string {
  mkdirSync(outDir, { recursive: true });
  if (readdirSync(outDir).length > 0) throw new Error(`compileWorkspace: ${outDir} is not empty`);
  for (const file of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(from, file), join(outDir, file));
  cpSync(join(from, 'proto'), join(outDir, 'proto'), { recursive: true });
  for (const top of PACKAGE_ROOTS) {
    for (const name of readdirSync(join(from, top))) {
      const pkg = join(top, name);
      if (LEFT_OUT.has(pkg) || !existsSync(join(from, pkg, 'package.json'))) continue;
      copyPackage(join(from, pkg), join(outDir, pkg));
    }
  }
  symlinkSync(join(from, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  execFileSync('bash', [join(from, 'deploy', 'docker', 'compile.sh'), outDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // The workspace's own esbuild (a root dev dependency), not whatever PATH may hold.
    env: { ...process.env, ESBUILD: join(from, 'node_modules', '.bin', 'esbuild') },
  });
  return outDir;
}

function copyPackage(src: string, dst: string): void {
  cpSync(src, dst, {
    recursive: true,
    filter: (path) => {
      const rel = relative(src, path);
      if (rel === '') return true;
      const parts = rel.split(sep);
      // Tests are not what a service runs.
      return !rel.endsWith('.test.ts') && !(parts[0] === 'node_modules' && parts[1] === '.vite');
    },
    // node_modules holds links; copied as links (relative ones stay relative).
    verbatimSymlinks: true,
  });
}
