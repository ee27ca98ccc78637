/**
 * The direct path (direct-kv.ts) against a real etcd: it answers what etcd3 answers, fails
 * as etcd3 fails, and hands a call to etcd3 when the connection does not work.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3, type IRangeRequest } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEtcd, type RunningServer } from '@esi/test-servers';
import { isTooLarge } from '../errors.js';
import { OwnedStore, type Expect, type WriteOp } from '../owned-store.js';
import { DirectKv } from './direct-kv.js';
import { GrpcUnaryClient } from './grpc-unary.js';

let etcd: RunningServer;
let plain: Etcd3;
let direct: OwnedStore;
let viaEtcd3: OwnedStore;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-direct-')));
  plain = new Etcd3({ hosts: [etcd.url] });
  direct = new OwnedStore([etcd.url], 'api', { groupCommit: false, groupRead: false });
  viaEtcd3 = new OwnedStore([etcd.url], 'api', { groupCommit: false, groupRead: false, directKv: false });
});

afterAll(async () => {
  direct?.close();
  viaEtcd3?.close();
  plain?.close();
  await etcd?.stop();
});

const notCalled = (): Promise<never> => Promise.reject(new Error('etcd3 was asked, the direct path should have answered'));

describe('the direct path answers as etcd3 does', () => {
  it('reads ranges alike: prefix, limit, a past revision, changed since, sorted, one key', async () => {
    const p = '/config/v2.0/ports/direct-read-';
    for (let i = 0; i < 5; i++) await direct.put(`${p}${i}`, JSON.stringify({ i, text: 'ü€' }));
    const before = (await direct.range({ key: `${p}0` })).revision;
    await direct.put(`${p}3`, '{"i":3,"again":true}');
    const reads = [
      [{ prefix: p }, {}],
      [{ prefix: p }, { limit: 2 }],
      [{ prefix: p }, { revision: before }],
      [{ prefix: p }, { minModRevision: String(BigInt(before) + 1n) }],
      [{ prefix: p }, { sortByKey: true, limit: 3 }],
      [{ key: `${p}4` }, {}],
      [{ key: `${p}missing` }, {}],
      [{ start: `${p}1`, end: `${p}3` }, {}],
    ] as const;
    for (const [range, options] of reads) {
      const a = await direct.range(range, options);
      const b = await viaEtcd3.range(range, options);
      expect(a).toEqual(b);
    }
    const limited = await direct.range({ prefix: p }, { limit: 2 });
    expect(limited.kvs.map((kv) => kv.key.toString())).toEqual([`${p}0`, `${p}1`]);
    expect(limited.more).toBe(true);
    const changed = await direct.range({ prefix: p }, { minModRevision: String(BigInt(before) + 1n) });
    expect(changed.kvs.map((kv) => JSON.parse(kv.value.toString()))).toEqual([{ i: 3, again: true }]);
  });

  it('decides every kind of condition alike, and answers the commit revision', async () => {
    async function script(store: OwnedStore, p: string): Promise<unknown[]> {
      const out: unknown[] = [];
      const r1 = await store.txnAt([{ key: `${p}a`, absent: true }], [{ put: `${p}a`, value: '1' }]);
      out.push(r1 !== undefined);
      out.push((await store.txnAt([{ key: `${p}a`, absent: true }], [{ put: `${p}a`, value: '2' }])) !== undefined);
      out.push((await store.txnAt([{ key: `${p}a`, modRevision: r1! }], [{ put: `${p}a`, value: '3' }])) !== undefined);
      out.push((await store.txnAt([{ key: `${p}a`, modRevision: r1! }], [{ put: `${p}b`, value: 'x' }])) !== undefined);
      out.push(await store.txn([{ key: `${p}a`, present: true }], [{ put: `${p}c`, value: 'c' }]));
      out.push(await store.txn([{ key: `${p}zz`, present: true }], [{ put: `${p}c`, value: 'd' }]));
      out.push(await store.txn([{ prefix: `${p}empty/`, empty: true }], [{ put: `${p}d`, value: 'd' }]));
      out.push(await store.txn([{ prefix: p, empty: true }], [{ put: `${p}e`, value: 'e' }]));
      const now = (await store.range({ key: `${p}a` })).revision;
      out.push(await store.txn([{ key: `${p}a`, unchangedSince: now }], []));
      out.push(await store.txn([{ prefix: p, unchangedSince: now }], []));
      out.push(await store.txn([{ prefix: p, unchangedSince: r1! }], []));
      const ops: WriteOp[] = [{ put: `${p}f`, value: 'f' }, { delete: `${p}c` }];
      const expects: Expect[] = [{ key: `${p}c`, present: true }];
      out.push(await store.txn(expects, ops));
      out.push((await store.range({ prefix: p })).kvs.map((kv) => [kv.key.toString().slice(p.length), kv.value.toString(), kv.version]));
      const put = await store.txnAt([], [{ put: `${p}g`, value: 'g' }]);
      const read = await store.range({ key: `${p}g` });
      out.push(read.kvs[0]!.mod_revision === put);
      const deleted = await store.txnAt([], [{ delete: `${p}g` }]);
      out.push(deleted === (await store.range({ key: `${p}g` })).revision);
      return out;
    }
    const a = await script(direct, '/config/v2.0/ports/direct-txn/');
    const b = await script(viaEtcd3, '/config/v2.0/ports/etcd3-txn/');
    expect(a).toEqual(b);
    expect(a.slice(0, 8)).toEqual([true, false, true, false, true, false, true, false]);
  });

  it('fails as etcd3 fails: a compacted revision, an answer over 4 MiB', async () => {
    const p = '/config/v2.0/ports/direct-errors/';
    const first = (await plain.put(`${p}0`).value('x').exec()).header.revision;
    await plain.put(`${p}0`).value('y').exec();
    await plain.kv.compact({ revision: String(BigInt(first) + 1n) });
    const errorOf = (store: OwnedStore, options: { revision: string }) => store.range({ prefix: p }, options).then(() => undefined, (err: Error) => err);
    const a = await errorOf(direct, { revision: first });
    const b = await errorOf(viaEtcd3, { revision: first });
    expect(a).toBeInstanceOf(Error);
    expect(a!.constructor).toBe(b!.constructor);
    expect(a!.message).toMatch(/compacted/);

    const big = '/config/v2.0/ports/direct-big/';
    for (let i = 0; i < 5; i++) await plain.put(`${big}${i}`).value('v'.repeat(1024 * 1024)).exec();
    const tooLarge = await direct.range({ prefix: big }).then(() => undefined, (err: unknown) => err);
    expect(isTooLarge(tooLarge)).toBe(true);
    expect(isTooLarge(await viaEtcd3.range({ prefix: big }).then(() => undefined, (err: unknown) => err))).toBe(true);
    // Pages of it still read.
    expect((await direct.range({ prefix: big }, { limit: 2 })).kvs).toHaveLength(2);
  });
});

describe('when the direct connection does not work', () => {
  const request = (): IRangeRequest => ({ key: Buffer.from('/config/v2.0/ports/direct-read-0') });

  it('answers through etcd3, rests, then tries directly again', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const told: string[] = [];
    let clock = 0;
    const kv = DirectKv.forEndpoints([dead], { restMs: 300, now: () => clock, onFallback: (err, endpoint) => told.push(`${endpoint} ${err.constructor.name}`) })!;
    let asked = 0;
    const etcd3Range = () => {
      asked++;
      return plain.kv.range(request());
    };
    const first = await kv.range(request(), etcd3Range);
    expect(first.kvs[0]?.key.toString()).toBe('/config/v2.0/ports/direct-read-0');
    expect([told.length, asked]).toEqual([1, 1]);
    // Resting: straight to etcd3, no new failure.
    clock = 299;
    await kv.range(request(), etcd3Range);
    expect([told.length, asked]).toEqual([1, 2]);
    clock = 300;
    await kv.range(request(), etcd3Range);
    expect([told.length, asked]).toEqual([2, 3]);
    // Told each time, with the class etcd3 gives an unreachable member.
    expect(told).toEqual([`${dead} GRPCUnavailableError`, `${dead} GRPCUnavailableError`]);
    kv.close();
  });

  it('uses the direct connection and never etcd3 while it works', async () => {
    const told: unknown[] = [];
    const kv = DirectKv.forEndpoints([etcd.url], { onFallback: (err) => told.push(err) })!;
    for (let i = 0; i < 20; i++) expect((await kv.range(request(), notCalled)).kvs).toHaveLength(1);
    expect(told).toEqual([]);
    kv.close();
  });

  it('fails a call on a connection that answers nothing once its ping goes unanswered', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const client = new GrpcUnaryClient(`http://127.0.0.1:${port}`, { pingIntervalMs: 100, pingTimeoutMs: 100 });
    const started = Date.now();
    const err = await client.call('/etcdserverpb.KV/Range', Buffer.alloc(0)).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/^14 UNAVAILABLE/);
    expect(Date.now() - started).toBeLessThan(2_000);
    client.close();
    silent.close();
  });

  it('is not used for endpoints it cannot reach the same way (TLS)', () => {
    expect(DirectKv.forEndpoints(['https://127.0.0.1:2379'])).toBeUndefined();
    expect(DirectKv.forEndpoints(['127.0.0.1:2379'])).toBeInstanceOf(DirectKv);
  });
});
