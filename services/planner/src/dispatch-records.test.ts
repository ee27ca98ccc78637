/**
 * A job's first dispatch is recorded in the transaction that makes it ready, and its
 * message follows: against a real etcd, a finished job's removal records the dispatch of
 * the job it released in the same commit (no write of its own), and a planner loading
 * jobs recorded as dispatched holds them as not known sent, so it publishes them again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SLICES, events, jobKey, plannerJobMetaKey, storedJobValue, type StoredJob } from '@esi/contracts';
import { OwnedStore } from '@esi/store';
import { createLogger } from '@esi/telemetry';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { firstDispatch } from './dispatch-records.js';
import { finishJob } from './handle-result.js';
import { MetaWrites } from './meta-writes.js';
import { PendingJobs, type PendingJob } from './pending-jobs.js';

let etcd: RunningServer;
let store: OwnedStore;
const log = createLogger('planner', 'silent');

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-dispatch-records-')));
  store = new OwnedStore([etcd.url], 'planner');
});
afterAll(async () => {
  store?.close();
  await etcd?.stop();
});

function job(id: string, dependency: string[]): StoredJob {
  return { id, action: 'create', handler: 'heat_worker', resource_type: 'port', resource_id: 'p', version: 1, job_name: 'w', is_first: false, is_last: false, on_failure: 'fail', dependency, params: [], resource_input: {} } as unknown as StoredJob;
}

async function save(p: PendingJob): Promise<void> {
  await store.txn([], [
    { put: jobKey(p.job.id), value: JSON.stringify(storedJobValue(p.job)) },
    { put: plannerJobMetaKey(p.job.id), value: JSON.stringify(p.meta) },
  ]);
}

const meta = { template_id: 't', trace: {}, planned_at_ms: 1, dispatched_attempt: 0 };

describe('dispatch records', () => {
  it('a result’s commit records the dispatch of the job it releases; nothing else is written', async () => {
    const a: PendingJob = { job: job('a', []), meta: firstDispatch(meta, 1) };
    const b: PendingJob = { job: job('b', ['a']), meta: { ...meta } };
    await save(a);
    await save(b);
    const pending = new PendingJobs();
    pending.set(a);
    pending.set(b);
    const puts = vi.spyOn(store, 'put');
    await finishJob(events.JobResult.fromPartial({ job: { id: 'a', onFailure: 'fail' }, outcome: events.JobOutcome.JOB_OUTCOME_SUCCEEDED }), {
      store,
      pending,
      log,
      metaWrites: new MetaWrites(store, log),
    });
    expect(puts).not.toHaveBeenCalled();
    puts.mockRestore();
    expect(await store.getString(jobKey('a'))).toBeUndefined();
    expect((await store.read(plannerJobMetaKey('b'), SLICES.plannerJobMeta.parse))?.value.dispatched_attempt).toBe(1);
    // Recorded, to be published with that attempt.
    expect(pending.get('b')!.meta.dispatched_attempt).toBe(1);
    expect(pending.unsentReady().map((p) => p.job.id)).toEqual(['b']);
    expect(pending.undispatchedReady()).toEqual([]);
    pending.markSent('b');
    expect(pending.unsentReady()).toEqual([]);
  });

  it('a planner that loads jobs recorded as dispatched publishes them again once ready', async () => {
    await save({ job: job('c', []), meta: firstDispatch(meta, 1) });
    await save({ job: job('d', ['c']), meta: firstDispatch(meta, 1) });
    await save({ job: job('e', []), meta: { ...meta } });
    const pending = new PendingJobs();
    await pending.load(store);
    // b is still pending from the test above (its message was marked sent only in memory).
    expect(pending.unsentReady().map((p) => p.job.id).sort()).toEqual(['b', 'c']);
    expect(pending.undispatchedReady().map((p) => p.job.id)).toEqual(['e']);
    pending.delete('c');
    expect(pending.unsentReady().map((p) => p.job.id).sort()).toEqual(['b', 'd']);
  });
});
