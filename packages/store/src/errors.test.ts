/**
 * etcd3's own errors, produced by a real etcd, sorted by class: an etcd that is gone is
 * an outage (retried until it is back), an answer too large is not (it will be as large
 * next time).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOutage, isRetryable } from '@esi/errors';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { OwnedStore, StoreUnavailableError, isTooLarge, scanPrefix } from './index.js';

let etcd: RunningServer | undefined;
let store: OwnedStore;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-store-errors-')));
  store = new OwnedStore([etcd.url], 'planner');
});

afterAll(async () => {
  store?.close();
  await etcd?.stop();
});

describe('etcd3 errors, by class', () => {
  it('passes a readable error through and keeps working', async () => {
    await store.put('/jobs/all/errors-probe', 'x');
    expect((await store.getString('/jobs/all/errors-probe'))?.value).toBe('x');
    await expect(scanPrefix(store, '/jobs/all/', () => undefined)).resolves.toBeDefined();
  });

  it('turns an etcd that is gone into StoreUnavailableError, an outage the rule retries', async () => {
    await etcd!.stop();
    etcd = undefined;
    const err = await store.getString('/jobs/all/errors-probe').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(isOutage(err)).toBe(true);
    expect(isRetryable(err)).toBe(true);
    expect(isTooLarge(err)).toBe(false);
  }, 60_000);
});
