/**
 * scanPrefix against a real etcd: every key of the prefix and none outside it, in key
 * order, across page boundaries.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { OwnedStore } from './owned-store.js';
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

  it('reads a prefix larger than the client\'s 4 MiB response limit (getPrefix too)', async () => {
    // 3,200 values of 1.5 KB: 4.8 MB, which one range read cannot return.
    const value = 'x'.repeat(1_500);
    const keys = Array.from({ length: 3_200 }, (_, i) => `/jobs/all/big/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < keys.length; i += 100) {
      await store.txn([], keys.slice(i, i + 100).map((k) => ({ put: k, value })));
    }
    // A client of its own: the failed read opens that client's circuit breaker.
    const plain = new Etcd3({ hosts: [etcd.url] });
    await expect(plain.getAll().prefix('/jobs/all/big/').strings()).rejects.toThrow(/larger than max|ResourceExhausted|RESOURCE_EXHAUSTED/i);
    plain.close();
    let seen = 0;
    await scanPrefix(store, '/jobs/all/big/', () => seen++);
    expect(seen).toBe(keys.length);
    expect((await store.getPrefix('/jobs/all/big/')).size).toBe(keys.length);
  });
});
