/**
 * The pending jobs as the planner loads them and Explain and Plan read them: a plan the
 * planner commits while they are read shows with its bookkeeping or not at all, never as
 * a job without it. Against a real etcd; the commit is placed between the two prefixes'
 * reads by holding back the read of /jobs/all until the bookkeeping's read (if one runs
 * beside it) has been answered.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PREFIX, jobKey, plannerJobMetaKey, storedJobValue, type JobMeta, type StoredJob } from '@esi/contracts';
import { OwnedStore, type KeyRange, type RangeOptions } from './owned-store.js';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { readPendingJobRecords } from './pending-job-records.js';

let etcd: RunningServer;
let api: OwnedStore;
let planner: OwnedStore;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-pending-job-records-')));
  api = new OwnedStore([etcd.url], 'api');
  planner = new OwnedStore([etcd.url], 'planner');
});
afterAll(async () => {
  api?.close();
  planner?.close();
  await etcd?.stop();
});

const job = (id: string): StoredJob => ({
  id,
  action: 'create',
  handler: 'heat_worker',
  resource_type: 'subnet',
  resource_id: id,
  version: 1,
  job_name: 'subnet',
  is_first: true,
  is_last: false,
  on_failure: 'fail',
  dependency: [],
  params: [],
  resource_input: {},
});

const meta = (): JobMeta => ({ template_id: 'subnet', trace: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' }, planned_at_ms: 1, dispatched_attempt: 0 });

/** Commits a job and its bookkeeping in one transaction, as the planner does. */
const commit = (id: string) =>
  planner.txnAt([], [
    { put: jobKey(id), value: JSON.stringify(storedJobValue(job(id))) },
    { put: plannerJobMetaKey(id), value: JSON.stringify(meta()) },
  ]);

const startOf = (range: KeyRange): string => ('start' in range ? Buffer.from(range.start).toString() : 'prefix' in range ? range.prefix : range.key);

/**
 * The api's store, except that the first read under /jobs/all waits for the
 * bookkeeping's read when one was started beside it, then lets `between` commit.
 */
function racing(between: () => Promise<unknown>): OwnedStore {
  let metaRead: Promise<unknown> | undefined;
  let held = false;
  return new Proxy(api, {
    get(target, prop, receiver) {
      if (prop === 'range') {
        return async (range: KeyRange, options?: RangeOptions) => {
          const start = startOf(range);
          if (start.startsWith(KEY_PREFIX.plannerJobMeta)) return (metaRead ??= target.range(range, options));
          if (start.startsWith(KEY_PREFIX.jobs) && !held) {
            held = true;
            // Whatever starts beside this read starts now.
            await new Promise((r) => setImmediate(r));
            await metaRead;
            await between();
          }
          return target.range(range, options);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(receiver) : value;
    },
  });
}

describe('readPendingJobRecords', () => {
  it('shows a job committed while it reads with its bookkeeping, or not at all', async () => {
    await commit('before');
    const read = await readPendingJobRecords(racing(() => commit('during')));
    expect(read.jobs.get('before')?.meta?.template_id).toBe('subnet');
    const during = read.jobs.get('during');
    if (during) expect(during.meta?.template_id, 'a job read without the bookkeeping committed with it').toBe('subnet');
    // Read again, both are there, each with its bookkeeping, and nothing unreadable.
    const again = await readPendingJobRecords(api);
    expect([...again.jobs.values()].map((p) => [p.job.id, p.meta?.template_id])).toEqual([
      ['before', 'subnet'],
      ['during', 'subnet'],
    ]);
    expect(again.unreadable).toEqual([]);
    expect(BigInt(again.revision)).toBeGreaterThanOrEqual(BigInt(read.revision));
  });

  it('lists what does not parse: a job is left out, a job with unreadable bookkeeping kept without it', async () => {
    await planner.txnAt([], [
      { put: jobKey('torn'), value: '{"id":' },
      { put: jobKey('bare'), value: JSON.stringify(storedJobValue(job('bare'))) },
      { put: plannerJobMetaKey('bare'), value: '{"template_id":7}' },
    ]);
    const read = await readPendingJobRecords(api);
    expect(read.jobs.has('torn')).toBe(false);
    expect(read.jobs.get('bare')?.job.id).toBe('bare');
    expect(read.jobs.get('bare')?.meta).toBeUndefined();
    expect(read.unreadable.sort()).toEqual([jobKey('torn'), plannerJobMetaKey('bare')].sort());
    expect(read.jobs.get('before')?.meta?.template_id).toBe('subnet');
  });
});
