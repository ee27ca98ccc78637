/**
 * The resync's two passes against a real etcd: the full pass and the incremental one
 * (configs written since a revision, plus what the last pass found unplanned) apply the
 * same rule, and the incremental one sees nothing older than its revision. The scheduler
 * takes the configs written from a watch of /config, reads them by range only while no
 * watch follows (after etcd restarted), and follows again after that pass.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SLICES, configKey, stateKey } from '@esi/contracts';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { Etcd3 } from 'etcd3';
import { OwnedStore } from '@esi/store';
import { MAX_CHECKED, findUnplanned, findUnplannedAmong, findUnplannedSince } from './resync.js';
import { ResyncScheduler } from './resync-scheduler.js';
import { createLogger } from '@esi/telemetry';

const workflowKey = SLICES.plannerWorkflows.key;

let etcd: RunningServer;
let store: OwnedStore;
let rawClient: Etcd3;

// Writes of other owners' keys go through the raw client, past the ownership check.
const raw = () => rawClient;
const config = (version: number): string => JSON.stringify({ body: '{}', marked_for_deletion: false, version });
const putConfig = (id: string, version: number) => raw().put(configKey('networks', id)).value(config(version));
const ids = (list: { id: string }[]): string[] => list.map((u) => u.id).sort();

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-resync-')));
  store = new OwnedStore([etcd.url], 'planner');
  rawClient = new Etcd3({ hosts: etcd.url });
});

afterAll(async () => {
  store?.close();
  rawClient?.close();
  await etcd?.stop();
});

describe('resync passes', () => {
  it('find the same unplanned configs; the incremental pass reads only newer writes and the rechecked', async () => {
    await putConfig('settled', 1);
    await raw().put(stateKey('networks', 'settled')).value(JSON.stringify({ version: 1, state: {} }));
    await putConfig('planned', 2);
    await raw().put(workflowKey('networks', 'planned')).value(JSON.stringify({ version: 2, action: 'create', jobs: ['create:heat_worker:network:planned:2:abcde'] }));
    // Planned without jobs, and no state came: its skipped event was lost.
    await putConfig('skipped', 1);
    await raw().put(workflowKey('networks', 'skipped')).value(JSON.stringify({ version: 1, action: 'create', jobs: [] }));
    await putConfig('waiting', 3);
    await raw().put(workflowKey('networks', 'waiting')).value(JSON.stringify({ version: 3, action: 'none', jobs: [], waiting: { version: 3, for: ['x:y'] } }));
    await putConfig('lost', 1);

    const full = await findUnplanned(store);
    expect(ids(full.unplanned)).toEqual(['lost', 'skipped', 'waiting']);

    // Nothing written since: only what is rechecked can be found.
    const none = await findUnplannedSince(store, full.revision, []);
    expect(none?.unplanned).toEqual([]);
    const rechecked = await findUnplannedSince(store, full.revision, full.unplanned);
    expect(ids(rechecked!.unplanned)).toEqual(['lost', 'skipped', 'waiting']);

    // A new config, a config settled meanwhile and a config with a new version.
    await putConfig('new', 1);
    await raw().put(stateKey('networks', 'lost')).value(JSON.stringify({ version: 1, state: {} }));
    await putConfig('planned', 3);
    const later = await findUnplannedSince(store, full.revision, full.unplanned);
    expect(later!.unplanned.map((u) => `${u.id}@${u.version}`).sort()).toEqual(['new@1', 'planned@3', 'skipped@1', 'waiting@3']);
    expect(BigInt(later!.revision)).toBeGreaterThan(BigInt(full.revision));
    // A config the planner itself knows planned at that version is passed over unread.
    const vouched = await findUnplannedSince(store, full.revision, [], (plural, id, version) => id === 'new' && version === 1);
    expect(vouched!.unplanned.map((u) => u.id)).toEqual(['planned']);
    expect(ids((await findUnplanned(store)).unplanned)).toEqual(['new', 'planned', 'skipped', 'waiting']);
  });
});

describe('the incremental pass with too much to check', () => {
  it('gives way to a full pass (answers undefined) without a read when more than MAX_CHECKED configs were written', async () => {
    const reads = vi.spyOn(store, 'read');
    try {
      const written = Array.from({ length: MAX_CHECKED + 1 }, (_, i) => ({ plural: 'networks', id: `burst-${i}`, raw: config(1) }));
      expect(await findUnplannedAmong(store, written, [])).toBeUndefined();
      expect(reads).not.toHaveBeenCalled();
      // At the limit it checks them all.
      expect(await findUnplannedAmong(store, written.slice(0, 3), [])).toEqual([]);
      expect(reads).toHaveBeenCalledTimes(9);
    } finally {
      reads.mockRestore();
    }
  });
});

describe('resync scheduler', () => {
  it('the start pass plans nothing: what it finds unplanned is planned by the next pass if still unplanned', async () => {
    await putConfig('started-meanwhile', 1);
    const planned: string[][] = [];
    const scheduler = new ResyncScheduler({
      store,
      log: createLogger('planner', 'silent'),
      typeOfPlural: () => 'network',
      plannedVersions: new Map(),
      planFound: async (found) => {
        planned.push(ids(found));
        return 0;
      },
    });
    await scheduler.pass('start');
    // Its event is on the way: planned by it, the change keeps its trace.
    expect(planned).toEqual([[]]);
    await scheduler.pass('interval');
    expect(planned[1]).toContain('started-meanwhile');
    await scheduler.stop();
  });

  it('stop() waits for a pass that is planning, and no pass starts after it', async () => {
    let entered = (): void => undefined;
    const inPlanning = new Promise<void>((r) => (entered = r));
    let release = (): void => undefined;
    const released = new Promise<void>((r) => (release = r));
    let passes = 0;
    const scheduler = new ResyncScheduler({
      store,
      log: createLogger('planner', 'silent'),
      typeOfPlural: () => 'network',
      plannedVersions: new Map(),
      planFound: async () => {
        passes++;
        if (passes === 1) return 0; // the start pass
        entered();
        await released;
        return 0;
      },
    });
    await scheduler.pass('start');
    scheduler.every(20);
    await inPlanning;
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(stopped).toBe(false);
    release();
    await stopping;
    const after = passes;
    await new Promise((r) => setTimeout(r, 100));
    expect(passes).toBe(after);
  });

  it('stop() gives up a pass still reading: it plans nothing and stop does not wait for the scan', async () => {
    await putConfig('read-while-stopping', 1);
    let planFoundCalls = 0;
    const scheduler = new ResyncScheduler({
      store,
      log: createLogger('planner', 'silent'),
      typeOfPlural: () => 'network',
      plannedVersions: new Map(),
      planFound: async () => (planFoundCalls++, 0),
    });
    // Every page of the scan waits until stop() has been called, as a page of a
    // 100,000-resource scan is still to come when a planner is told to stop.
    let stopCalled = (): void => undefined;
    const stopping = new Promise<void>((r) => (stopCalled = r));
    const range = store.range.bind(store);
    const spy = vi.spyOn(store, 'range').mockImplementation(async (...args) => {
      await stopping;
      return range(...args);
    });
    try {
      const pass = scheduler.pass('start');
      await vi.waitFor(() => expect(spy).toHaveBeenCalled());
      const stopped = scheduler.stop();
      stopCalled();
      await Promise.all([pass, stopped]);
      expect(planFoundCalls).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  /** A scheduler over `on` that records the ids each pass plans into `planned`. */
  const recordingScheduler = (on: OwnedStore, planned: string[]): ResyncScheduler =>
    new ResyncScheduler({
      store: on,
      log: createLogger('planner', 'silent'),
      typeOfPlural: () => 'network',
      plannedVersions: new Map(),
      planFound: async (found) => (planned.push(...found.map((u) => u.id)), 0),
    });

  /** Runs interval passes until `done`, at most `passes` of them (a full pass comes at the tenth). */
  async function passUntil(scheduler: ResyncScheduler, done: () => boolean, passes = 8): Promise<void> {
    for (let i = 0; i < passes && !done(); i++) {
      await new Promise((r) => setTimeout(r, 50));
      // Right after an etcd restart a pass may fail; the next one is what counts.
      await scheduler.pass('interval').catch(() => undefined);
    }
  }

  const configRanges = (spy: { mock: { calls: unknown[][] } }) =>
    spy.mock.calls.filter(([range]) => (range as { prefix?: string }).prefix === SLICES.config.prefix);

  it('the incremental pass checks the configs a watch of /config delivered, with no range read of /config', async () => {
    const planned: string[] = [];
    const scheduler = recordingScheduler(store, planned);
    await scheduler.pass('start');
    const ranges = vi.spyOn(store, 'range');
    try {
      await putConfig('watched', 1);
      await passUntil(scheduler, () => planned.includes('watched'));
      expect(planned).toContain('watched');
      // Without the watch each incremental pass reads /config by range, filtered by etcd.
      expect(configRanges(ranges)).toEqual([]);
    } finally {
      ranges.mockRestore();
      await scheduler.stop();
    }
  });

  it('once the watch has stopped (etcd restarted), the next pass reads the configs written by range, then a new watch follows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esi-resync-restart-'));
    const own = await startEtcd(dir);
    const ownStore = new OwnedStore([own.url], 'planner');
    const ownRaw = new Etcd3({ hosts: own.url });
    const planned: string[] = [];
    const scheduler = recordingScheduler(ownStore, planned);
    const ranges = vi.spyOn(ownStore, 'range');
    try {
      await scheduler.pass('start');
      await own.restart!();
      // Written while no watch follows: only a range read can find it.
      await ownRaw.put(configKey('networks', 'while-down')).value(config(1));
      ranges.mockClear();
      await passUntil(scheduler, () => planned.includes('while-down'));
      expect(planned).toContain('while-down');
      expect(configRanges(ranges).some(([, options]) => (options as { minModRevision?: string } | undefined)?.minModRevision !== undefined)).toBe(true);
      // That pass set up a new watch: what is written now is found without a range read.
      ranges.mockClear();
      await ownRaw.put(configKey('networks', 'followed-again')).value(config(1));
      await passUntil(scheduler, () => planned.includes('followed-again'));
      expect(planned).toContain('followed-again');
      expect(configRanges(ranges)).toEqual([]);
    } finally {
      ranges.mockRestore();
      await scheduler.stop();
      ownStore.close();
      ownRaw.close();
      await own.stop();
    }
  });
});
