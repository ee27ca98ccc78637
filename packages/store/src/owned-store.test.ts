import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { OwnedStore, OwnershipViolationError } from './index.js';

let etcd: RunningServer;
let planner: OwnedStore;
let api: OwnedStore;
const run = `t${Date.now()}`;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-store-')));
  planner = new OwnedStore([etcd.url], 'planner');
  api = new OwnedStore([etcd.url], 'api');
});

afterAll(async () => {
  planner?.close();
  api?.close();
  await etcd?.stop();
});

describe('OwnedStore against a real etcd', () => {
  it('writes inside its slice and refuses writes outside it, writing nothing', async () => {
    await planner.putJson(`/jobs/all/${run}`, ['heat_worker', {}, 0]);
    expect((await planner.getJson(`/jobs/all/${run}`))?.value).toEqual(['heat_worker', {}, 0]);
    await expect(planner.put(`/state/v2.0/ports/${run}`, '{}')).rejects.toBeInstanceOf(OwnershipViolationError);
    await expect(planner.delete(`/config/v2.0/ports/${run}`)).rejects.toBeInstanceOf(OwnershipViolationError);
    await expect(planner.txn([], [{ put: `/jobs/all/${run}-b`, value: '1' }, { put: `/monitoring/v2.0/x/${run}`, value: '1' }])).rejects.toBeInstanceOf(
      OwnershipViolationError,
    );
    expect(await api.getString(`/state/v2.0/ports/${run}`)).toBeUndefined();
    expect(await api.getString(`/jobs/all/${run}-b`)).toBeUndefined();
  });

  it('compare-and-swap: absent, then by mod revision', async () => {
    const key = `/config/v2.0/ports/${run}`;
    expect(await api.txn([{ key, absent: true }], [{ put: key, value: 'v1' }])).toBe(true);
    expect(await api.txn([{ key, absent: true }], [{ put: key, value: 'again' }])).toBe(false);
    const got = await api.getString(key);
    expect(got?.value).toBe('v1');
    expect(await api.txn([{ key, modRevision: got!.modRevision }], [{ put: key, value: 'v2' }])).toBe(true);
    expect(await api.txn([{ key, modRevision: got!.modRevision }], [{ put: key, value: 'stale' }])).toBe(false);
    expect((await api.getString(key))?.value).toBe('v2');
  });

  it('txnAt answers the revision its puts now carry, so the writer can swap again without reading', async () => {
    const key = `/config/v2.0/ports/${run}-at`;
    const first = await api.txnAt([{ key, absent: true }], [{ put: key, value: 'v1' }]);
    expect(first).toBe((await api.getString(key))?.modRevision);
    const second = await api.txnAt([{ key, modRevision: first! }], [{ put: key, value: 'v2' }]);
    expect(second).toBeDefined();
    expect(BigInt(second!)).toBeGreaterThan(BigInt(first!));
    expect(await api.txnAt([{ key, modRevision: first! }], [{ put: key, value: 'stale' }])).toBeUndefined();
    expect((await api.getString(key))?.value).toBe('v2');
  });

  it('a write on condition that a key is present', async () => {
    const key = `/config/v2.0/ports/${run}-present`;
    const other = `/config/v2.0/ports/${run}-written`;
    expect(await api.txn([{ key, present: true }], [{ put: other, value: 'no' }])).toBe(false);
    await api.put(key, 'here');
    expect(await api.txn([{ key, present: true }], [{ put: other, value: 'yes' }])).toBe(true);
    expect((await api.getString(other))?.value).toBe('yes');
  });

  it('reads a prefix', async () => {
    await planner.put(`/esi-planner/${run}/a`, '1');
    await planner.put(`/esi-planner/${run}/b`, '2');
    const all = await planner.getPrefix(`/esi-planner/${run}/`);
    expect([...all.entries()].sort()).toEqual([
      [`/esi-planner/${run}/a`, '1'],
      [`/esi-planner/${run}/b`, '2'],
    ]);
  });
});

describe('reads, watches and elections go through the owner', () => {
  it('reads a range in pages at one revision, with min mod revision', async () => {
    for (let i = 0; i < 5; i++) await planner.put(`/jobs/all/${run}-range-${i}`, String(i));
    const first = await planner.range({ prefix: `/jobs/all/${run}-range-` }, { limit: 2 });
    expect(first.kvs.map((kv) => kv.value.toString())).toEqual(['0', '1']);
    expect(first.more).toBe(true);
    await planner.put(`/jobs/all/${run}-range-4`, 'changed');
    const pinned = await planner.range({ prefix: `/jobs/all/${run}-range-` }, { revision: first.revision });
    expect(pinned.kvs.at(-1)?.value.toString()).toBe('4');
    const since = await planner.range({ prefix: `/jobs/all/${run}-range-` }, { minModRevision: String(BigInt(first.revision) + 1n) });
    expect(since.kvs.map((kv) => kv.value.toString())).toEqual(['changed']);
    expect((await api.range({ key: `/jobs/all/${run}-range-0` })).kvs).toHaveLength(1);
  });

  it('watches a key from a revision', async () => {
    const key = `/jobs/all/${run}-watched`;
    await planner.put(key, 'before');
    const readAt = (await planner.range({ key })).revision;
    await planner.put(key, 'after');
    // From the revision after the read: the change made since is delivered, the one read is not.
    const watcher = await api.watch({ key }, { startRevision: String(BigInt(readAt) + 1n) }).create();
    const seen = await new Promise<string>((resolve) => watcher.on('put', (kv) => resolve(kv.value.toString())));
    await watcher.cancel();
    expect(seen).toBe('after');
  });

  it('campaigns only inside its own slice: an election writes keys there', () => {
    expect(() => api.election('/esi-planner/', 'leader', 5)).toThrow(OwnershipViolationError);
    expect(planner.election('/esi-planner/', 'leader', 5)).toBeDefined();
  });
});
