/**
 * Reads the seed document (../shared/seed/create-gw-interface.md): for each of its seven
 * checkpoints, the etcd keys and parsed JSON values it shows.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '@esi/local-stack';

export interface SeedEntry {
  key: string;
  value: unknown;
}

export const SHARED_DIR = resolve(process.env.ESI_SHARED_DIR ?? resolve(REPO_ROOT, '../shared'));

export function readSeedCheckpoints(file = resolve(SHARED_DIR, 'seed/create-gw-interface.md')): Map<number, SeedEntry[]> {
  const text = readFileSync(file, 'utf8');
  const out = new Map<number, SeedEntry[]>();
  const sections = text.split(/^### Checking stored data at the point of \((\d)\) in etcd$/m);
  for (let i = 1; i < sections.length; i += 2) {
    const n = Number(sections[i]);
    const blocks = [...sections[i + 1]!.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1]!);
    out.set(
      n,
      blocks.map((b) => {
        const nl = b.indexOf('\n');
        return { key: b.slice(0, nl).trim(), value: JSON.parse(b.slice(nl + 1)) as unknown };
      }),
    );
  }
  return out;
}
