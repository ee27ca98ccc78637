/**
 * The second step of a delete, against a real nats-server and etcd: the api removes a
 * config marked for deletion when the aggregator announces its DELETE_COMPLETED on the
 * deleted subject and not on the /state write itself, finishes at start what was never
 * announced, and leaves a config whose newer version superseded the delete.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELETE_COMPLETED, MSG_ID, configKey, deletedSubject, events, removedSubject, stateKey } from '@esi/contracts';
import { loadResourceTypes, loadSchemas } from '@esi/catalog';
import { connectMessaging, ensureStreams, Publisher, type Messaging } from '@esi/messaging';
import { OwnedStore } from '@esi/store';
import { createLogger } from '@esi/telemetry';
import { pollUntil, startEtcd, startNats, type RunningServer } from '@esi/test-servers';
import { runDeletionFinisher, type FinisherDeps } from './deletion-finisher.js';
import { TypeRegistry } from './type-rules.js';

let nats: RunningServer;
let etcd: RunningServer;
let api: Messaging;
let aggregator: Messaging;
let apiStore: OwnedStore;
let stateStore: OwnedStore;
let deps: FinisherDeps;
const tracer = trace.getTracer('test');
const log = createLogger('api', 'silent');

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esi-deletion-finisher-'));
  [nats, etcd] = await Promise.all([startNats(dir), startEtcd(dir)]);
  api = await connectMessaging([nats.url], 'api');
  aggregator = await connectMessaging([nats.url], 'state-aggregator');
  await ensureStreams(api.jsm, '');
  apiStore = new OwnedStore([etcd.url], 'api');
  stateStore = new OwnedStore([etcd.url], 'state-aggregator');
  deps = { store: apiStore, publisher: new Publisher(api.js, 'api', tracer, ''), types: new TypeRegistry(loadResourceTypes(), loadSchemas()), log };
}, 60_000);

afterAll(async () => {
  apiStore?.close();
  stateStore?.close();
  await api?.nc.close();
  await aggregator?.nc.close();
  await etcd?.stop();
  await nats?.stop();
});

const finisher = () => runDeletionFinisher(deps, api, { tracer, log, prefix: '' }, 100);

/** A network marked for deletion at `version`, and its /state as the aggregator left it. */
async function deleting(id: string, version: number, workerState: string): Promise<void> {
  await apiStore.putJson(configKey('networks', id), { body: JSON.stringify({ id, name: id }), marked_for_deletion: true, version });
  await stateStore.putJson(stateKey('networks', id), { state: { worker_state: workerState }, version, error: '' });
}

/** The aggregator's announcement of a finished delete, on the deleted subject. */
async function announceDeleted(id: string, version: number): Promise<void> {
  const event = events.StateChanged.encode({ resourceType: 'network', resourceId: id, version, workerState: DELETE_COMPLETED, error: '', changedAtMs: Date.now() }).finish();
  await new Publisher(aggregator.js, 'state-aggregator', tracer, '').publish(deletedSubject('network', id), event, MSG_ID.deleted('network', id, version));
}

const configOf = (id: string) => apiStore.getString(configKey('networks', id));
const until = (what: string, fn: () => Promise<boolean>) => pollUntil(what, async () => ((await fn()) ? true : undefined), 10_000, 50);
const removed = (id: string) => until(`${id}'s config removed`, async () => (await configOf(id)) === undefined);

async function removalAnnounced(id: string): Promise<boolean> {
  const jsm = await jetstreamManager(api.nc);
  const last = await jsm.streams.getMessage('ESI_CONFIG', { last_by_subj: removedSubject('network', id) }).catch(() => null);
  return Boolean(last);
}

describe('the deletion finisher', () => {
  it('removes the config when the aggregator announces the finished delete, and announces the removal', async () => {
    const running = await finisher();
    try {
      await running.swept;
      await deleting('announced', 2, DELETE_COMPLETED);
      await announceDeleted('announced', 2);
      await removed('announced');
      expect(await removalAnnounced('announced')).toBe(true);
    } finally {
      await running.stop();
    }
  });

  it('acts on the announcement, not on the /state write', async () => {
    const running = await finisher();
    try {
      await running.swept;
      await deleting('quiet', 2, DELETE_COMPLETED);
      // The /state write alone is no longer followed: the config waits for the announcement.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await configOf('quiet')).toBeDefined();
      await announceDeleted('quiet', 2);
      await removed('quiet');
    } finally {
      await running.stop();
    }
  });

  it('finishes at start a delete that was never announced', async () => {
    await deleting('unannounced', 2, DELETE_COMPLETED);
    const running = await finisher();
    try {
      await removed('unannounced');
      expect(await removalAnnounced('unannounced')).toBe(true);
    } finally {
      await running.stop();
    }
  });

  it('leaves a config whose newer version superseded the delete', async () => {
    const running = await finisher();
    try {
      await running.swept;
      await deleting('superseded', 2, DELETE_COMPLETED);
      // A newer version (the id written again) after the delete finished.
      await apiStore.putJson(configKey('networks', 'superseded'), { body: JSON.stringify({ id: 'superseded', name: 'again' }), marked_for_deletion: false, version: 3 });
      await announceDeleted('superseded', 2);
      await until('the announcement handled', consumerIdle);
      expect(JSON.parse((await configOf('superseded'))!.value)).toMatchObject({ version: 3, marked_for_deletion: false });
      expect(await removalAnnounced('superseded')).toBe(false);
    } finally {
      await running.stop();
    }
  });
});

/** True once the api's consumer has every announcement acknowledged. */
async function consumerIdle(): Promise<boolean> {
  const jsm = await jetstreamManager(api.nc);
  const info = await jsm.consumers.info('ESI_STATE', 'api_deletions');
  return info.num_pending === 0 && info.num_ack_pending === 0;
}
