/**
 * The target index and the monitoring values against a real etcd (@esi/local-stack):
 * they follow writes another client (another replica) makes after they were loaded, and
 * after their watch broke (etcd restarted) they are rebuilt from a fresh scan, with the
 * writes no watch saw.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitoringKey, monitoringTargetKey } from '@esi/contracts';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { OwnedStore } from '@esi/store';
import type { MonitoringItem } from './item-types.js';
import { MonitoringValues } from './monitoring-values.js';
import { TargetIndex } from './target-index.js';
import { replaceTargets, type Target } from './targets.js';
import { log, waitFor } from './test-harness.js';

let etcd: RunningServer;
/** The index's client, and another replica's. */
let store: OwnedStore;
let other: OwnedStore;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-target-index-')));
  store = new OwnedStore([etcd.url], 'monitoring-worker');
  other = new OwnedStore([etcd.url], 'monitoring-worker');
});

afterAll(async () => {
  store?.close();
  other?.close();
  await etcd?.stop();
});

const port = (id: string, device: string, name = 'xe-0/0/1'): Target => ({
  resource_type: 'ese_logical_port',
  plural: 'ese_logical_ports',
  resource_id: id,
  item: 'logical_port',
  version: 1,
  properties: { type: 'logical_port', device_ip: device, community_name: 'c', name },
  registered_at_ms: 1,
});
const keyOf = (t: Target): string => monitoringTargetKey(t.plural, t.resource_id, t.item);
const put = (s: OwnedStore, t: Target): Promise<void> => s.put(keyOf(t), JSON.stringify(t));
const resource = (id: string): string => monitoringKey('ese_logical_ports', id);

function startIndex(): { index: TargetIndex; changed: string[] } {
  const changed: string[] = [];
  const index = new TargetIndex({ store, deviceKeyOf: (item: MonitoringItem) => String(item.device_ip), log, onChange: (r) => changed.push(r) });
  return { index, changed };
}

/** device → sorted resource ids, as the index holds them. */
function byDevice(index: TargetIndex): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [device, ts] of index.devices()) out[device] = [...ts].map((t) => t.target.resource_id).sort();
  return out;
}

/** Retries while etcd is coming back (the client's circuit breaker opens on a dead server). */
const retry = (what: string, fn: () => Promise<unknown>): Promise<true> =>
  waitFor(what, () => fn().then(() => true as const, () => undefined), 30_000, 200);

describe('target index', () => {
  it('follows puts, replacements and deletes another replica makes after it loaded', async () => {
    await put(other, port('a', '10.0.0.1'));
    await put(other, port('b', '10.0.0.1', 'xe-0/0/2'));
    const { index, changed } = startIndex();
    await index.sync();
    expect(index.live).toBe(true);
    expect(byDevice(index)).toEqual({ '10.0.0.1': ['a', 'b'] });
    expect(changed.sort()).toEqual([resource('a'), resource('b')]);
    changed.length = 0;

    await put(other, port('c', '10.0.0.2')); // new, on a new device
    await put(other, port('b', '10.0.0.2', 'xe-0/0/2')); // moved to the other device
    await other.delete(keyOf(port('a', '10.0.0.1')));
    await put(other, port('c', '10.0.0.2')); // the same value again: no change
    await waitFor('index follows', async () => (JSON.stringify(byDevice(index)) === JSON.stringify({ '10.0.0.2': ['b', 'c'] }) ? true : undefined), 5_000, 10);
    expect(index.size).toBe(2);
    expect(index.targetsOf(resource('a'))).toEqual([]);
    expect(index.targetsOf(resource('b')).map((t) => t.target.properties.device_ip)).toEqual(['10.0.0.2']);
    expect(changed).toEqual([resource('c'), resource('b'), resource('b'), resource('a')]);

    // A value that is not a target replaces the one at its key: skipped, and the old one is gone.
    await other.put(keyOf(port('c', '10.0.0.2')), 'not json');
    await waitFor('bad value drops c', async () => (index.targetsOf(resource('c')).length === 0 ? true : undefined), 5_000, 10);
    expect(index.size).toBe(1);
    await index.close();
    await other.delete(keyOf(port('b', '10.0.0.2')));
    await other.delete(keyOf(port('c', '10.0.0.2')));
  });

  it('is rebuilt from a fresh scan after its watch broke (etcd restarted)', async () => {
    await put(other, port('r1', '10.0.1.1'));
    await put(other, port('r2', '10.0.1.1', 'xe-0/0/2'));
    const { index, changed } = startIndex();
    await index.sync();
    const statusOf = (id: string) => index.targetsOf(resource(id))[0];
    statusOf('r1')!.status = 'UP';
    expect(byDevice(index)).toEqual({ '10.0.1.1': ['r1', 'r2'] });

    await etcd.restart!();
    await waitFor('watch reported broken', async () => (index.live ? undefined : true), 30_000, 20);
    // Written while no watch runs: only a scan can see these.
    await retry('put r3', () => put(other, port('r3', '10.0.1.2')));
    await retry('delete r2', () => other.delete(keyOf(port('r2', '10.0.1.1'))));
    changed.length = 0;
    await retry('rebuilt', () => index.sync());
    expect(index.live).toBe(true);
    expect(byDevice(index)).toEqual({ '10.0.1.1': ['r1'], '10.0.1.2': ['r3'] });
    // Only the resources that differ are reported; an unchanged target keeps its status.
    expect(changed.sort()).toEqual([resource('r2'), resource('r3')]);
    expect(statusOf('r1')!.status).toBe('UP');

    // And the new watch follows again.
    await put(other, port('r4', '10.0.1.2', 'xe-0/0/4'));
    await waitFor('r4 followed', async () => (index.targetsOf(resource('r4')).length === 1 ? true : undefined), 5_000, 10);
    await index.close();
  });
});

describe('monitoring values', () => {
  it('follow another replica’s writes; the echo of a write of ours is no change', async () => {
    await other.putJson(resource('m1'), { logical_port: 'UP', version: 1 });
    const changed: string[] = [];
    const values = new MonitoringValues({ store, log, onChange: (k) => changed.push(k) });
    await values.sync();
    expect(values.get(resource('m1'))).toEqual({ logical_port: 'UP', version: 1 });
    changed.length = 0;

    const ours = { logical_port: 'DOWN', version: 1 };
    values.expect(resource('m1'), ours);
    await store.putJson(resource('m1'), ours);
    await other.putJson(resource('m2'), { logical_port: 'UP', version: 1 });
    await other.put(resource('m3'), 'garbage');
    await other.delete(resource('m1'));
    await waitFor('values follow', async () => (values.has(resource('m1')) ? undefined : true), 5_000, 10);
    expect(changed).toEqual([resource('m2'), resource('m3'), resource('m1')]);
    expect(values.get(resource('m2'))).toEqual({ logical_port: 'UP', version: 1 });
    expect(values.get(resource('m3'))).toBeNull();
    await values.close();
  });

  it('pass over events older than a write of ours until its echo, and forget a failed write', async () => {
    const changed: string[] = [];
    const values = new MonitoringValues({ store, log, onChange: (k) => changed.push(k) });
    await values.sync();
    changed.length = 0;
    // Another replica's write lands between ours being sent and being applied: its event
    // comes before our echo and is superseded by our write, so it is never held.
    const ours = { logical_port: 'UP', version: 2 };
    values.expect(resource('e1'), ours);
    await other.putJson(resource('e1'), { logical_port: 'DOWN', version: 2 });
    await store.putJson(resource('e1'), ours);
    // A write of ours that failed: the key is held as before, and later events count again.
    const failed = { logical_port: 'UP', version: 1 };
    values.expect(resource('e2'), failed);
    values.restore(resource('e2'), failed, undefined);
    expect(values.has(resource('e2'))).toBe(false);
    await other.putJson(resource('e2'), { logical_port: 'DOWN', version: 1 });
    await waitFor('e2 followed', async () => (values.has(resource('e2')) ? true : undefined), 5_000, 10);
    expect(values.get(resource('e1'))).toEqual(ours);
    expect(changed).toEqual([resource('e2')]);
    await values.close();
  });
});

describe('replaceTargets', () => {
  const item = (id: string, name: string): Target => ({ ...port(id, '10.0.0.1'), item: name });
  const stored = async (id: string): Promise<string[]> =>
    [...(await store.getPrefix(`${monitoringTargetKey('ese_logical_ports', id, '')}`)).keys()].map((k) => k.split('/').pop()!).sort();

  it("a create's targets are written in one conditional transaction; a leftover fails the condition and is dropped", async () => {
    // Range reads counted on their way to etcd (this store's own method, still sent).
    let ranges = 0;
    const range = store.range.bind(store);
    const counting = Object.assign(Object.create(store) as OwnedStore, {
      range: (...args: Parameters<OwnedStore['range']>) => (ranges++, range(...args)),
    });
    const before = store.groupCommit!.counts.members;
    await replaceTargets(counting, 'ese_logical_ports', 'first-time', [item('first-time', 'a'), item('first-time', 'b')], { firstTime: true });
    expect(await stored('first-time')).toEqual(['a', 'b']);
    expect([ranges, store.groupCommit!.counts.members - before]).toEqual([0, 1]);
    // A deleted namesake left a target: the create still ends with exactly its own.
    await put(other, item('leftover', 'stale'));
    await replaceTargets(store, 'ese_logical_ports', 'leftover', [item('leftover', 'a')], { firstTime: true });
    expect(await stored('leftover')).toEqual(['a']);
  });

  it('a create with nothing to register sends nothing when the followed copy holds none of the resource; a leftover it holds is read and dropped', async () => {
    const { index } = startIndex();
    expect(index.holdsNoneOf(resource('quiet'))).toBeUndefined();
    await index.sync();
    let reads = 0;
    const range = store.range.bind(store);
    const counting = Object.assign(Object.create(store) as OwnedStore, {
      range: (...args: Parameters<OwnedStore['range']>) => (reads++, range(...args)),
    });
    const knownEmpty = (id: string) => () => index.holdsNoneOf(resource(id));
    const writes = store.groupCommit!.counts.members;
    await replaceTargets(counting, 'ese_logical_ports', 'quiet', [], { firstTime: true, knownEmpty: knownEmpty('quiet') });
    expect([reads, store.groupCommit!.counts.members - writes]).toEqual([0, 0]);
    // Without the copy's word, the create reads (there is nothing to drop).
    await replaceTargets(counting, 'ese_logical_ports', 'quiet', [], { firstTime: true });
    expect(reads).toBe(1);

    await put(other, item('stale-namesake', 'old'));
    await waitFor('leftover followed', async () => (index.holdsNoneOf(resource('stale-namesake')) === false ? true : undefined), 5_000, 10);
    await replaceTargets(counting, 'ese_logical_ports', 'stale-namesake', [], { firstTime: true, knownEmpty: knownEmpty('stale-namesake') });
    expect(reads).toBe(2);
    expect(await stored('stale-namesake')).toEqual([]);
    await index.close();
    expect(index.holdsNoneOf(resource('quiet'))).toBeUndefined();
  });

  it('a modify replaces: items no longer wanted are dropped', async () => {
    await replaceTargets(store, 'ese_logical_ports', 'changed', [item('changed', 'a'), item('changed', 'b')]);
    await replaceTargets(store, 'ese_logical_ports', 'changed', [item('changed', 'b'), item('changed', 'c')]);
    expect(await stored('changed')).toEqual(['b', 'c']);
  });
});
