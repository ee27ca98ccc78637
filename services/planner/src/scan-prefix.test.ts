/**
 * scanPrefix against a real etcd: every key of the prefix and none outside it, in key
 * order, across page boundaries.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type RunningServer } from '@esi/local-stack';
import { OwnedStore } from '@esi/store';
import { scanPrefix } from './scan-prefix.js';

let etcd: RunningServer;
let store: OwnedStore;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-scan-')));
  store = new OwnedStore([etcd.url], 'planner');
});

afterAll(async () => {
  store?.close();
  await etcd?.stop();
});

describe('scanPrefix', () => {
  it('visits every key under the prefix once, in order, over many pages', async () => {
    const keys = Array.from({ length: 257 }, (_, i) => `/jobs/all/k${String(i).padStart(4, '0')}`);
    for (const k of keys) await store.put(k, k.toUpperCase());
    await store.put('/jobs/allx', 'next to the prefix, outside it');
    await store.put('/jobs/al', 'before the prefix');
    const seen: [string, string][] = [];
    await scanPrefix(store, '/jobs/all/', (k, v) => seen.push([k, v]), 10);
    expect(seen).toEqual(keys.map((k) => [k, k.toUpperCase()]));
  });

  it('an empty prefix is visited as empty', async () => {
    const seen: string[] = [];
    await scanPrefix(store, '/esi-planner/workflows/none/', (k) => seen.push(k));
    expect(seen).toEqual([]);
  });
});
