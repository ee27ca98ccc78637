import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { OwnedStore } from './index.js';

let etcd: RunningServer;
const stores: OwnedStore[] = [];
let n = 0;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-group-commit-')));
});

afterAll(async () => {
  for (const s of stores) s.close();
  await etcd?.stop();
});

/** A fresh store (its own counts) and a fresh key prefix in the api's slice. */
function fresh(options?: ConstructorParameters<typeof OwnedStore>[2]): { store: OwnedStore; key: (i: number | string) => string } {
  const store = new OwnedStore([etcd.url], 'api', options);
  stores.push(store);
  const run = `gc${Date.now()}-${n++}`;
  return { store, key: (i) => `/config/v2.0/ports/${run}-${i}` };
}

/** etcd's current revision: one more for every transaction that wrote. */
async function revision(store: OwnedStore): Promise<number> {
  return Number((await store.range({ key: '/config/v2.0/none' })).revision);
}

describe('group commit against a real etcd', () => {
  it('one transaction alone goes out at once, in a batch of its own', async () => {
    const { store, key } = fresh();
    expect(await store.txnAt([{ key: key(0), absent: true }], [{ put: key(0), value: 'a' }])).toMatch(/^\d+$/);
    expect(store.groupCommit?.counts).toEqual({ batches: 1, members: 1, sentAgainAlone: 0 });
  });

  it('transactions asked for together share one etcd transaction, each answered', async () => {
    const { store, key } = fresh();
    const before = await revision(store);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => store.txnAt([{ key: key(i), absent: true }], [{ put: key(i), value: `v${i}` }])));
    // Asked for in one tick: one transaction.
    expect(store.groupCommit?.counts).toEqual({ batches: 1, members: 20, sentAgainAlone: 0 });
    expect(await revision(store)).toBe(before + 1);
    expect(new Set(answers).size).toBe(1);
    for (let i = 0; i < 20; i++) expect((await store.getString(key(i)))?.value).toBe(`v${i}`);
  });

  it('a member whose condition fails gets false, and the others of its batch are written', async () => {
    const { store, key } = fresh();
    await store.put(key('taken'), 'old');
    const asks = [
      store.txn([{ key: key('first'), absent: true }], [{ put: key('first'), value: '1' }]),
      store.txn([{ key: key('a'), absent: true }], [{ put: key('a'), value: 'a' }]),
      store.txn([{ key: key('taken'), absent: true }], [{ put: key('taken'), value: 'new' }]),
      store.txn([{ key: key('b'), absent: true }], [{ put: key('b'), value: 'b' }]),
    ];
    expect(await Promise.all(asks)).toEqual([true, true, false, true]);
    // The batch's conditions failed as a whole; each was sent again alone.
    expect(store.groupCommit?.counts.sentAgainAlone).toBe(4);
    expect((await store.getString(key('taken')))?.value).toBe('old');
    expect((await store.getString(key('a')))?.value).toBe('a');
    expect((await store.getString(key('b')))?.value).toBe('b');
  });

  it('two transactions on one key never share a batch: the first wins its compare-and-swap, the second sees it', async () => {
    const { store, key } = fresh();
    const asks = [
      store.txn([{ key: key('first'), absent: true }], [{ put: key('first'), value: '1' }]),
      store.txn([{ key: key('k'), absent: true }], [{ put: key('k'), value: 'one' }]),
      store.txn([{ key: key('other'), absent: true }], [{ put: key('other'), value: 'x' }]),
      store.txn([{ key: key('k'), absent: true }], [{ put: key('k'), value: 'two' }]),
    ];
    expect(await Promise.all(asks)).toEqual([true, true, true, false]);
    expect((await store.getString(key('k')))?.value).toBe('one');
    // 'first', 'k' (one) and 'other' together; then the second 'k' alone.
    expect(store.groupCommit?.counts).toEqual({ batches: 2, members: 4, sentAgainAlone: 0 });
  });

  it('keeps the order of one key and lets unrelated keys pass a waiting one', async () => {
    const { store, key } = fresh();
    const order: string[] = [];
    const ask = (k: string, v: string): Promise<boolean> => store.txn([], [{ put: key(k), value: v }]).then((ok) => (order.push(`${k}=${v}`), ok));
    await Promise.all([ask('first', '0'), ask('k', '1'), ask('k', '2'), ask('m', '1'), ask('k', '3')]);
    expect((await store.getString(key('k')))?.value).toBe('3');
    expect(order.filter((o) => o.startsWith('k='))).toEqual(['k=1', 'k=2', 'k=3']);
    // first, k=1 and m=1; then k=2; then k=3.
    expect(store.groupCommit?.counts.batches).toBe(3);
  });

  it('an error reaches every member of the batch and writes nothing', async () => {
    // Limits raised so a value etcd refuses (over its 1.5 MiB request limit) shares a batch.
    const { store, key } = fresh({ groupCommit: { inFlight: 1, maxOps: 64, maxBytes: 8 * 1024 * 1024 } });
    const big = 'x'.repeat(2 * 1024 * 1024);
    const asks = [
      store.txn([], [{ put: key('first'), value: '1' }]),
      store.txn([], [{ put: key('small'), value: 's' }]),
      store.txn([], [{ put: key('big'), value: big }]),
    ];
    const settled = await Promise.allSettled(asks);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    // Read through another client: etcd3 opens this one's circuit breaker on the refusal.
    const reader = fresh().store;
    expect(await reader.getString(key('small'))).toBeUndefined();
    expect(await reader.getString(key('big'))).toBeUndefined();
  });

  it('respects the op limit: a batch carries at most maxOps writes', async () => {
    const { store, key } = fresh({ groupCommit: { inFlight: 1, maxOps: 4, maxBytes: 1024 * 1024 } });
    await Promise.all(Array.from({ length: 9 }, (_, i) => store.txn([], [{ put: key(i), value: String(i) }])));
    // Batches of 4, 4 and 1.
    expect(store.groupCommit?.counts).toEqual({ batches: 3, members: 9, sentAgainAlone: 0 });
  });

  it('plain puts and deletes ride in batches too; one alone is sent as a put', async () => {
    const { store, key } = fresh();
    await store.put(key('gone'), 'x');
    const before = await revision(store);
    await Promise.all([store.put(key(0), 'a'), store.put(key(1), 'b'), store.delete(key('gone')), store.putJson(key(2), { c: 1 })]);
    expect(await revision(store)).toBe(before + 1);
    expect((await store.getString(key(1)))?.value).toBe('b');
    expect(await store.getString(key('gone'))).toBeUndefined();
    expect(store.groupCommit?.counts).toEqual({ batches: 2, members: 5, sentAgainAlone: 0 });
  });

  it('reads asked for together leave as one request, each with its own answer', async () => {
    const { store, key } = fresh();
    await Promise.all([store.put(key('a'), 'A'), store.put(key('b'), 'B')]);
    const reads = await Promise.all([store.getString(key('a')), store.getString(key('missing')), store.getString(key('b')), store.getString(key('a'))]);
    expect(reads.map((r) => r?.value)).toEqual(['A', undefined, 'B', 'A']);
    expect(reads[0]?.modRevision).toMatch(/^\d+$/);
    expect(store.groupRead?.counts).toEqual({ batches: 1, members: 4 });
    // A read asked for after a write has answered sees it.
    await store.put(key('a'), 'A2');
    expect((await store.getString(key('a')))?.value).toBe('A2');
  });

  it('a condition over a prefix holds only while no key is under it, and orders against writes under it', async () => {
    const { store, key } = fresh();
    const prefix = key('dir/');
    // Alone: empty holds; a key under the prefix fails it; a key beside it does not.
    await store.put(key('dir-beside'), 'x');
    expect(await store.txn([{ prefix, empty: true }], [{ put: `${prefix}a`, value: '1' }])).toBe(true);
    expect(await store.txn([{ prefix, empty: true }], [{ put: `${prefix}b`, value: '2' }])).toBe(false);
    expect(await store.getString(`${prefix}b`)).toBeUndefined();
    // Asked for in one tick: a write under another's prefix never shares its batch, so the
    // condition sees what was asked for before it.
    const other = key('other/');
    const [written, guarded] = await Promise.all([
      store.put(`${other}first`, '1').then(() => true),
      store.txn([{ prefix: other, empty: true }], [{ put: `${other}second`, value: '2' }]),
    ]);
    expect([written, guarded]).toEqual([true, false]);
    expect(await store.getString(`${other}second`)).toBeUndefined();
  });

  it('conditions alone on one key share a batch; a write of that key waits for them', async () => {
    const { store, key } = fresh();
    const shared = key('network');
    const at = await store.txnAt([], [{ put: shared, value: 'n1' }]);
    const before = store.groupCommit!.counts.batches;
    // Three creates that each require the network unchanged, then a change of the network.
    const answers = await Promise.all([
      ...[1, 2, 3].map((i) => store.txn([{ key: shared, modRevision: at! }, { key: key(i), absent: true }], [{ put: key(i), value: 'p' }])),
      store.txn([{ key: shared, modRevision: at! }], [{ put: shared, value: 'n2' }]),
    ]);
    expect(answers).toEqual([true, true, true, true]);
    // The three creates went together; the network's write went after them, alone.
    expect(store.groupCommit!.counts.batches - before).toBe(2);
    // A create asked for after the write sees the network's new revision and fails.
    expect(await store.txn([{ key: shared, modRevision: at! }, { key: key(4), absent: true }], [{ put: key(4), value: 'p' }])).toBe(false);
  });

  it('can be turned off: every transaction is its own', async () => {
    const { store, key } = fresh({ groupCommit: false, groupRead: false });
    const before = await revision(store);
    await Promise.all(Array.from({ length: 5 }, (_, i) => store.txn([], [{ put: key(i), value: String(i) }])));
    expect(store.groupCommit).toBeUndefined();
    expect(store.groupRead).toBeUndefined();
    expect((await Promise.all([store.getString(key(0)), store.getString(key(1))])).map((r) => r?.value)).toEqual(['0', '1']);
    expect(await revision(store)).toBe(before + 5);
  });
});
