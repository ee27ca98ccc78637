/**
 * One failed call must not cost a process its long-lived streams (owned-store.ts,
 * keepChannelsOpen). Found at 100,000 resources: one health probe of the planner missed
 * its deadline while the planner read every key, and from then on its connections to
 * etcd dropped every 3 s, its /config watch with them, for as long as it ran.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PREFIX } from '@esi/contracts';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { OwnedStore } from './owned-store.js';
import { watchPrefixFrom } from './prefix-watch.js';
import { scanPrefix } from './scan-prefix.js';

let etcd: RunningServer;
let store: OwnedStore;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-reset-')));
  store = new OwnedStore([etcd.url], 'planner');
});

afterAll(async () => {
  store?.close();
  await etcd?.stop();
});

describe('a failed call and the streams beside it', () => {
  it('a call that misses its deadline leaves the watch and the lease keepalive on their connection', async () => {
    // A lease kept alive by a stream, as the planner's leadership is.
    const campaign = store.election(KEY_PREFIX.plannerElection, 'reset-test', 10).campaign('me');
    await new Promise<void>((resolve, reject) => {
      campaign.once('elected', () => resolve());
      campaign.once('error', reject);
    });
    const revision = await scanPrefix(store, '/jobs/all/', () => undefined);
    const seen: string[] = [];
    const broken: unknown[] = [];
    const watch = await watchPrefixFrom(store, '/jobs/all/', revision, {
      put: (key) => seen.push(key),
      delete: () => undefined,
      broken: (err) => broken.push(err),
    });
    try {
      // etcd3 counts a missed deadline as recoverable: before the fix it closed every
      // client of the process, and the watch dropped at the next keepalive ping (6 s).
      await expect(store.status(-1_000)).rejects.toThrow();
      await delay(14_000);
      expect(broken.map((e) => (e as Error).message)).toEqual([]);
      await store.put('/jobs/all/after-the-deadline', '1');
      await expect.poll(() => seen, { timeout: 3_000 }).toContain('/jobs/all/after-the-deadline');
    } finally {
      await watch.cancel();
      await campaign.resign().catch(() => undefined);
    }
  }, 40_000);
});
