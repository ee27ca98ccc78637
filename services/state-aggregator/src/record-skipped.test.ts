/**
 * A skipped workflow settles /state only if /state is still what it read, against a real
 * etcd: a newer version's state written between its read and its write is kept, and the
 * event is handed back (retryable) to be read again; a redelivery of what is settled announces
 * it again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLICES, events, stateKey } from '@esi/contracts';
import { isRetryable, type Publisher } from '@esi/messaging';
import { OwnedStore } from '@esi/store';
import { createLogger } from '@esi/telemetry';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { recordSkipped } from './record-skipped.js';
import type { FoldDeps } from './fold-job-result.js';
import { KnownState } from './known-state.js';

let etcd: RunningServer;
let store: OwnedStore;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-skipped-')));
  store = new OwnedStore([etcd.url], 'state-aggregator');
});
afterAll(async () => {
  store?.close();
  await etcd?.stop();
});

const published: string[] = [];
const publisher = { publish: async (subject: string) => void published.push(subject) } as unknown as Publisher;
const deps = (s: OwnedStore): FoldDeps => ({ store: s, publisher, log: createLogger('state-aggregator', 'silent'), pluralOf: () => 'networks', known: new KnownState() });
const skipped = (id: string, version: number) =>
  events.WorkflowSkipped.fromPartial({ resourceType: 'network', resourceId: id, version, reason: 'non-workable', action: 'create' });
const stateOf = async (id: string) => (await store.read(stateKey('networks', id), SLICES.state.parse))?.value;

describe('recordSkipped', () => {
  it('settles a version newer than /state', async () => {
    await recordSkipped(skipped('n1', 1), deps(store));
    expect(await stateOf('n1')).toMatchObject({ version: 1, state: { worker_state: 'READ_COMPLETE' } });
    expect(published).toContain('esi.state.network.n1');
  });

  it('keeps a newer state written between its read and its write, and asks to be read again', async () => {
    await store.putJson(stateKey('networks', 'n2'), { state: { worker_state: 'CREATE_COMPLETED' }, version: 1, error: '' });
    const seenAtRead = await store.read(stateKey('networks', 'n2'), SLICES.state.parse);
    // The results consumer folds version 3 after this event read version 1.
    await store.putJson(stateKey('networks', 'n2'), { state: { worker_state: 'UPDATE_COMPLETED' }, version: 3, error: '' });
    const racing = Object.assign(Object.create(store) as OwnedStore, { read: async () => seenAtRead });
    const error = await recordSkipped(skipped('n2', 2), deps(racing)).catch((e: unknown) => e);
    expect(isRetryable(error)).toBe(true);
    expect(await stateOf('n2')).toMatchObject({ version: 3, state: { worker_state: 'UPDATE_COMPLETED' } });
    expect(published).not.toContain('esi.state.network.n2');
    // Read again, it finds the newer state and leaves it.
    await recordSkipped(skipped('n2', 2), deps(store));
    expect(await stateOf('n2')).toMatchObject({ version: 3 });
  });

  it('announces again what its first delivery settled, so a skipped delete still reaches the api', async () => {
    const del = events.WorkflowSkipped.fromPartial({ resourceType: 'network', resourceId: 'n3', version: 2, reason: 'non-workable', action: 'delete' });
    await recordSkipped(del, deps(store));
    expect(await stateOf('n3')).toMatchObject({ version: 2, state: { worker_state: 'DELETE_COMPLETED' } });
    published.length = 0;
    // Redelivered: the first delivery died after its write, before its announcement went out.
    await recordSkipped(del, deps(store));
    expect(published).toEqual(['esi.state.network.n3', 'esi.state.network.n3.deleted']);
    expect(await stateOf('n3')).toMatchObject({ version: 2 });
  });
});
