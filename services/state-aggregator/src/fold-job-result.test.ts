/**
 * Folding results against a real etcd with what the aggregator already knows of each
 * resource (known-state.ts): a workflow's second result is folded without reading
 * /state or job_state back, and a copy gone stale behind its back (another writer) writes
 * nothing wrong: the comparison fails, the fold reads again and decides on what etcd holds.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SLICES, events, jobStateKey, stateKey } from '@esi/contracts';
import type { Publisher } from '@esi/messaging';
import { OwnedStore } from '@esi/store';
import { createLogger } from '@esi/telemetry';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { foldJobResult, type FoldDeps } from './fold-job-result.js';
import { KnownState } from './known-state.js';

let etcd: RunningServer;
let store: OwnedStore;
/** Another aggregator instance, writing behind the first one's back. */
let other: OwnedStore;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-fold-')));
  store = new OwnedStore([etcd.url], 'state-aggregator');
  other = new OwnedStore([etcd.url], 'state-aggregator');
});
afterAll(async () => {
  store?.close();
  other?.close();
  await etcd?.stop();
});

const announced: string[] = [];
const publisher = { publish: async (subject: string) => void announced.push(subject) } as unknown as Publisher;
const newDeps = (): FoldDeps => ({ store, publisher, log: createLogger('state-aggregator', 'silent'), pluralOf: () => 'ports', known: new KnownState() });

function result(id: string, version: number, step: 'heat' | 'monitoring', members: Record<string, unknown>): events.JobResult {
  return events.JobResult.fromPartial({
    job: { id: `${id}-${version}-${step}`, action: 'create', handler: step, resourceType: 'port', resourceId: id, version, jobName: `${id}-${version}`, isFirst: step === 'heat', isLast: step === 'monitoring' },
    outcome: events.JobOutcome.JOB_OUTCOME_SUCCEEDED,
    result: members,
  });
}
const stateOf = async (id: string) => (await store.read(stateKey('ports', id), SLICES.state.parse))?.value;
const jobStateOf = async (id: string) => (await store.getJson(jobStateKey('ports', id)))?.value;

/** Counts the reads the fold makes through the store (the store still does them). */
function countReads() {
  const read = vi.spyOn(store, 'read');
  const getJson = vi.spyOn(store, 'getJson');
  return {
    total: () => read.mock.calls.length + getJson.mock.calls.length,
    restore: () => (read.mockRestore(), getJson.mockRestore()),
  };
}

describe('foldJobResult with known state', () => {
  it('reads nothing for a new resource: its first result expects both keys absent, the second is folded from what the first wrote', async () => {
    const deps = newDeps();
    const reads = countReads();
    try {
      await foldJobResult(result('p1', 1, 'heat', { stack_id: 's-1' }), deps);
      expect(reads.total()).toBe(0);
      await foldJobResult(result('p1', 1, 'monitoring', { monitoring_id: 'm-1' }), deps);
      expect(reads.total()).toBe(0);
    } finally {
      reads.restore();
    }
    expect(await stateOf('p1')).toMatchObject({ version: 1, state: { worker_state: 'CREATE_COMPLETED', stack_id: 's-1', monitoring_id: 'm-1' } });
    expect(await jobStateOf('p1')).toBeUndefined();
    expect(announced).toContain('esi.state.port.p1');
  });

  it('a first result delivered again after its workflow settled is found out by the comparison, and changes nothing', async () => {
    await foldJobResult(result('p4', 1, 'heat', { stack_id: 's-4' }), newDeps());
    await foldJobResult(result('p4', 1, 'monitoring', {}), newDeps());
    const settled = await store.getString(stateKey('ports', 'p4'));
    // A fresh aggregator (held nothing) gets the first result again.
    const reads = countReads();
    try {
      await foldJobResult(result('p4', 1, 'heat', { stack_id: 'again' }), newDeps());
      expect(reads.total()).toBe(2);
    } finally {
      reads.restore();
    }
    expect(await store.getString(stateKey('ports', 'p4'))).toEqual(settled);
    expect(await jobStateOf('p4')).toBeUndefined();
  });

  it('a stale copy of /state writes nothing: a newer version written elsewhere drops the older result', async () => {
    const deps = newDeps();
    await foldJobResult(result('p2', 1, 'heat', {}), deps);
    await foldJobResult(result('p2', 1, 'monitoring', {}), deps);
    // Another instance settles version 3 behind this one's back.
    await other.putJson(stateKey('ports', 'p2'), { state: { worker_state: 'UPDATE_COMPLETED' }, version: 3, error: '' });
    // Version 2's first result arrives late: the copy says /state is at version 1.
    await foldJobResult(result('p2', 2, 'heat', { stack_id: 'late' }), deps);
    expect(await stateOf('p2')).toMatchObject({ version: 3, state: { worker_state: 'UPDATE_COMPLETED' } });
    expect(await jobStateOf('p2')).toBeUndefined();
  });

  it('a stale copy of job_state is read again, so members merged elsewhere are kept', async () => {
    const deps = newDeps();
    await foldJobResult(result('p3', 1, 'heat', { stack_id: 's-3' }), deps);
    await other.putJson(jobStateKey('ports', 'p3'), { stack_id: 's-3', extra: 'from elsewhere' });
    await foldJobResult(result('p3', 1, 'monitoring', { monitoring_id: 'm-3' }), deps);
    expect((await stateOf('p3'))?.state).toMatchObject({ worker_state: 'CREATE_COMPLETED', stack_id: 's-3', extra: 'from elsewhere', monitoring_id: 'm-3' });
  });

  it('forgets the least recently used resources past its bound', () => {
    const known = new KnownState(2);
    const none = { state: undefined, jobState: undefined };
    known.set('a', none);
    known.set('b', none);
    known.get('a');
    known.set('c', none);
    expect([known.get('a'), known.get('b'), known.get('c')].map(Boolean)).toEqual([true, false, true]);
    expect(known.size).toBe(2);
  });
});
