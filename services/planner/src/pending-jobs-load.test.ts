/**
 * The planner's start: its queue is what etcd holds, bookkeeping and all, and a record it
 * cannot read stops it rather than being dropped (it is the only writer of both slices,
 * so such a record is damage, and the job would be lost without a word). Real etcd.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobKey, plannerJobMetaKey, storedJobValue, type JobMeta, type StoredJob } from '@esi/contracts';
import { OwnedStore } from '@esi/store';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { PendingJobs } from './pending-jobs.js';

let etcd: RunningServer;
let store: OwnedStore;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-pending-load-')));
  store = new OwnedStore([etcd.url], 'planner');
});
afterAll(async () => {
  store?.close();
  await etcd?.stop();
});

const job = (id: string, dependency: string[] = []): StoredJob => ({
  id,
  action: 'create',
  handler: 'heat_worker',
  resource_type: 'port',
  resource_id: id,
  version: 1,
  job_name: 'port',
  is_first: true,
  is_last: false,
  on_failure: 'fail',
  dependency,
  params: [],
  resource_input: {},
});

const meta = (dispatched: number): JobMeta => ({ template_id: 'port', trace: {}, planned_at_ms: 1, dispatched_attempt: dispatched });

const put = (key: string, value: unknown) => store.txnAt([], [{ put: key, value: typeof value === 'string' ? value : JSON.stringify(value) }]);

describe('PendingJobs.load', () => {
  it('loads every job with its bookkeeping: a dispatched one is unsent, one without bookkeeping starts blank', async () => {
    await put(jobKey('sent'), storedJobValue(job('sent')));
    await put(plannerJobMetaKey('sent'), meta(1));
    await put(jobKey('waits'), storedJobValue(job('waits', ['sent'])));
    await put(jobKey('blank'), storedJobValue(job('blank')));
    const pending = new PendingJobs();
    const revision = await pending.load(store);
    expect(BigInt(revision)).toBeGreaterThan(0n);
    expect([...pending.all()].map((p) => [p.job.id, p.meta.dispatched_attempt]).sort()).toEqual([
      ['blank', 0],
      ['sent', 1],
      ['waits', 0],
    ]);
    expect(pending.isUnsent('sent')).toBe(true);
    expect(pending.isUnsent('blank')).toBe(false);
  });

  it('refuses to start on a job or bookkeeping it cannot read, naming the key', async () => {
    await put(plannerJobMetaKey('blank'), '{"template_id":7}');
    await expect(new PendingJobs().load(store)).rejects.toThrow(plannerJobMetaKey('blank'));
    await put(plannerJobMetaKey('blank'), meta(0));
    await put(jobKey('torn'), '{"id":');
    await expect(new PendingJobs().load(store)).rejects.toThrow(jobKey('torn'));
  });
});
