/**
 * Every dependency a workspace package declares is used by that package: imported by
 * name (or a subpath) from one of its files. A declared dependency nobody imports still
 * installs, widens what an audit has to read, and hides which package really needs
 * what. Tools run by name rather than imported are listed with where they run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@esi/local-stack';

/** Used without an import: run as commands, loaded by a tool, or a peer of one. */
const NOT_IMPORTED: Record<string, string> = {
  '@bufbuild/buf': 'pnpm gen and pnpm lint run buf',
  'ts-proto': 'a buf plugin (proto/buf.gen.yaml)',
  tsx: 'runs every service and script',
  typescript: 'pnpm typecheck runs tsc',
  eslint: 'pnpm lint',
  esbuild: 'tsx and vite build with it',
  vitest: 'pnpm test',
};

const SOURCE = /\.(ts|tsx|mts|js|mjs|cjs|json|ya?ml|sh)$/;

function filesOf(dir: string, skipNested: boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      // The root package's own files only: each workspace package is checked by itself.
      if (skipNested && ['packages', 'services', 'tools', 'test', 'docs', 'proto'].includes(name)) {
        if (name === 'proto') out.push(...filesOf(path, false));
        continue;
      }
      out.push(...filesOf(path, false));
    } else if (SOURCE.test(name) && name !== 'package.json' && name !== 'pnpm-lock.yaml') out.push(path);
  }
  return out;
}

function workspacePackages(): string[] {
  const dirs = [REPO_ROOT, join(REPO_ROOT, 'test')];
  for (const group of ['packages', 'services', 'tools']) {
    for (const name of readdirSync(join(REPO_ROOT, group))) {
      const dir = join(REPO_ROOT, group, name);
      try {
        statSync(join(dir, 'package.json'));
        dirs.push(dir);
      } catch {
        // not a package
      }
    }
  }
  return dirs;
}

describe('declared dependencies', () => {
  it('every workspace package imports each dependency it declares', () => {
    const unused: string[] = [];
    for (const dir of workspacePackages()) {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      const text = filesOf(dir, dir === REPO_ROOT).map((f) => readFileSync(f, 'utf8')).join('\n');
      for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
        if (NOT_IMPORTED[dep]) continue;
        if (dep.startsWith('@types/')) {
          const typed = dep.slice('@types/'.length);
          if (typed === 'node' || text.includes(`'${typed}`) || text.includes(`"${typed}`)) continue;
        }
        const named = [`'${dep}'`, `"${dep}"`, `'${dep}/`, `"${dep}/`].some((q) => text.includes(q));
        if (!named) unused.push(`${relative(REPO_ROOT, dir) || '.'}: ${dep}`);
      }
    }
    expect(unused).toEqual([]);
  });

  it('a workspace package its running code imports is a production dependency (the image installs only those)', () => {
    const missing: string[] = [];
    for (const dir of workspacePackages()) {
      if (dir === REPO_ROOT || dir === join(REPO_ROOT, 'test')) continue;
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> };
      const running = filesOf(join(dir), false).filter((f) => /\/src\/.*\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$|test-support|test-harness|\/web\//.test(f));
      for (const file of running) {
        for (const m of readFileSync(file, 'utf8').matchAll(/^import (?!type )[^;]*? from '(@esi\/[a-z-]+)/gm)) {
          if (m[1] !== pkg.name && !pkg.dependencies?.[m[1]!]) missing.push(`${relative(REPO_ROOT, file)}: ${m[1]}`);
        }
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});
