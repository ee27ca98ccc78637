/**
 * A dependency more than one workspace package declares has one version, in the pnpm
 * catalog (pnpm-workspace.yaml), and each package declares it as "catalog:"; the catalog
 * holds nothing no package uses. Two packages pinning the same library separately is how
 * a workspace ends up with two copies of it (two etcd3 clients, two grpc-js).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '@esi/local-stack';

interface Manifest {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function manifests(): { dir: string; json: Manifest }[] {
  const dirs = ['.', 'test', ...['packages', 'services', 'tools'].flatMap((d) => readdirSync(join(REPO_ROOT, d)).map((x) => `${d}/${x}`))];
  return dirs
    .filter((d) => existsSync(join(REPO_ROOT, d, 'package.json')))
    .map((dir) => ({ dir, json: JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as Manifest }));
}

describe('shared dependency versions', () => {
  const catalog = (parse(readFileSync(join(REPO_ROOT, 'pnpm-workspace.yaml'), 'utf8')) as { catalog?: Record<string, string> }).catalog ?? {};
  const declared = new Map<string, { dir: string; spec: string }[]>();
  for (const { dir, json } of manifests()) {
    for (const deps of [json.dependencies, json.devDependencies]) {
      for (const [name, spec] of Object.entries(deps ?? {})) {
        if (spec.startsWith('workspace:')) continue;
        declared.set(name, [...(declared.get(name) ?? []), { dir, spec }]);
      }
    }
  }

  it('takes every dependency two packages declare from the catalog', () => {
    const pinnedApart = [...declared].filter(([, uses]) => uses.length > 1 && uses.some((u) => u.spec !== 'catalog:'));
    expect(pinnedApart.map(([name, uses]) => `${name}: ${uses.map((u) => `${u.dir} ${u.spec}`).join(', ')}`)).toEqual([]);
  });

  it('has no catalog entry that no package uses, and none a package asks for that it lacks', () => {
    expect(Object.keys(catalog).filter((name) => !declared.has(name))).toEqual([]);
    const missing = [...declared].filter(([name, uses]) => uses.some((u) => u.spec === 'catalog:') && !(name in catalog)).map(([name]) => name);
    expect(missing).toEqual([]);
  });
});
