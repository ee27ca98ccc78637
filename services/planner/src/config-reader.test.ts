/**
 * An event's config reader: what the planned resource references (through the relations
 * table, two hops deep) is read ahead, together, and served to the mapping from the
 * event's reads; a failed read is not kept. Against a real etcd.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configKey } from '@esi/contracts';
import { OwnedStore } from '@esi/store';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { Etcd3 } from 'etcd3';
import { ConfigReader } from './config-reader.js';

let etcd: RunningServer;
let store: OwnedStore;
let admin: Etcd3;

const plural = (type: string) => `${type}s`;
const relations = { lport: { phys_id: 'phys', net_ids: 'net' }, phys: { device_id: 'device' }, device: { site_id: 'site' } };

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-config-reader-')));
  store = new OwnedStore([etcd.url], 'planner');
  admin = new Etcd3({ hosts: etcd.url });
});
afterAll(async () => {
  store?.close();
  admin?.close();
  await etcd?.stop();
});

async function putConfig(type: string, id: string, body: Record<string, unknown>): Promise<void> {
  await admin.put(configKey(plural(type), id)).value(JSON.stringify({ version: 1, body: JSON.stringify(body), marked_for_deletion: false }));
}

describe('ConfigReader', () => {
  it('reads ahead what a body references, two hops deep, and serves it from the event’s reads', async () => {
    await putConfig('phys', 'ph1', { device_id: 'd1' });
    await putConfig('net', 'n1', { name: 'one' });
    await putConfig('net', 'n2', { name: 'two' });
    await putConfig('device', 'd1', { site_id: 's1' });
    await putConfig('site', 's1', { name: 'three hops away' });
    const reader = new ConfigReader(store, plural);
    await reader.prefetchReferences('lport', { phys_id: 'ph1', net_ids: ['n1', 'n2'], other: 'x' }, relations);
    // Everything read ahead is held by the event's reader: etcd may lose it now.
    await admin.delete().prefix('/config/');
    expect(await reader.getBody('phys', 'ph1')).toEqual({ device_id: 'd1' });
    expect(await reader.getBody('net', 'n2')).toEqual({ name: 'two' });
    expect(await reader.getBody('device', 'd1')).toEqual({ site_id: 's1' });
    // Three hops away was not read ahead: read now, it is gone.
    expect(await reader.getBody('site', 's1')).toBeUndefined();
    // A new event's reader reads etcd again.
    expect(await reader.forEvent().getBody('phys', 'ph1')).toBeUndefined();
  });
});
