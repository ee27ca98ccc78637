// Within one job the engine's stacks are read from etcd once; outside a job, every time.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heatEngineStackKey } from '@esi/contracts';
import { StackEngine } from '@esi/stack-engine';
import { OwnedStore } from '@esi/store';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { EtcdStackStore, oneJobsStackReads, takeStackWrites } from './etcd-stack-store.js';

const TEMPLATE = `heat_template_version: 2013-05-23
resources:
  net:
    type: Example::Net
    properties: { name: blue }
outputs:
  net_id:
    value: { get_resource: net }
`;

let etcd: RunningServer;
let store: OwnedStore;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-stack-store-')));
  store = new OwnedStore([etcd.url], 'heat-worker');
});

afterAll(async () => {
  store?.close();
  await etcd?.stop();
});

/** Single-key reads this store sent to etcd so far. */
const reads = (): number => store.groupRead!.counts.members;

describe('EtcdStackStore', () => {
  it("a job's lookup and the engine's load before creating cost one read; the stack is stored all the same", async () => {
    const stacks = new EtcdStackStore(store);
    const engine = new StackEngine({ store: stacks });
    const before = reads();
    const created = await oneJobsStackReads(async () => {
      expect(await engine.getStack('job_stack')).toBeUndefined();
      return engine.createStack({ name: 'job_stack', template: TEMPLATE, params: {} });
    });
    expect(reads() - before).toBe(1);
    expect(created.status).toBe('CREATE_COMPLETE');
    // Outside a job every get reads, and finds what the job stored.
    const fresh = reads();
    expect((await stacks.get('job_stack'))?.status).toBe('CREATE_COMPLETE');
    expect((await stacks.get('job_stack'))?.outputs).toEqual(created.outputs);
    expect(reads() - fresh).toBe(2);
  });

  it('a create that claims a new name reads nothing; a taken name is left as it was and read afresh', async () => {
    const stacks = new EtcdStackStore(store);
    const engine = new StackEngine({ store: stacks });
    const before = reads();
    const created = await oneJobsStackReads(() => engine.createStackIfAbsent({ name: 'claimed', template: TEMPLATE, params: {}, tags: ['first'] }));
    expect(reads() - before).toBe(0);
    expect(created?.status).toBe('CREATE_COMPLETE');
    expect((await stacks.get('claimed'))?.tags).toEqual(['first']);

    const again = reads();
    await oneJobsStackReads(async () => {
      expect(await engine.createStackIfAbsent({ name: 'claimed', template: TEMPLATE, params: {}, tags: ['second'] })).toBeUndefined();
      // The job then looks at the stack that is there: one read, of the first create's record.
      expect((await stacks.get('claimed'))?.tags).toEqual(['first']);
    });
    expect(reads() - again).toBe(1);
  });

  it("within a job, the outcome's write waits for the job's record: one commit for both", async () => {
    const stacks = new EtcdStackStore(store);
    const engine = new StackEngine({ store: stacks });
    const key = heatEngineStackKey('held_back');
    const commits = (): number => store.groupCommit!.counts.members;
    const before = commits();
    await oneJobsStackReads(async () => {
      const created = await engine.createStackIfAbsent({ name: 'held_back', template: TEMPLATE, params: {} });
      expect(created?.status).toBe('CREATE_COMPLETE');
      // Only the claim is stored yet; the job reads its own outcome all the same.
      expect(commits() - before).toBe(1);
      expect((await store.getJson<{ status: string }>(key))?.value.status).toBe('CREATE_IN_PROGRESS');
      expect((await stacks.get('held_back'))?.status).toBe('CREATE_COMPLETE');
      const ops = takeStackWrites();
      expect(ops.map((op) => ('put' in op ? op.put : op.delete))).toEqual([key]);
      await store.txn([], [...ops, { put: '/esi-worker/heat_stacks/v2.0/ports/held_back', value: '{}' }]);
    });
    expect(commits() - before).toBe(2);
    expect((await store.getJson<{ status: string }>(key))?.value.status).toBe('CREATE_COMPLETE');
  });

  it('a job that ends without taking its held-back write stores it before it ends, failing or not; a delete drops it', async () => {
    const stacks = new EtcdStackStore(store);
    const engine = new StackEngine({ store: stacks });
    await oneJobsStackReads(() => engine.createStackIfAbsent({ name: 'left_over', template: TEMPLATE, params: {} }));
    expect((await store.getJson<{ status: string }>(heatEngineStackKey('left_over')))?.value.status).toBe('CREATE_COMPLETE');

    const failing = oneJobsStackReads(async () => {
      await engine.createStackIfAbsent({ name: 'then_failed', template: TEMPLATE, params: {} });
      throw new Error('the job failed after the stack was made');
    });
    await expect(failing).rejects.toThrow('the job failed after the stack was made');
    expect((await store.getJson<{ status: string }>(heatEngineStackKey('then_failed')))?.value.status).toBe('CREATE_COMPLETE');

    await oneJobsStackReads(async () => {
      await engine.createStackIfAbsent({ name: 'made_and_gone', template: TEMPLATE, params: {} });
      await engine.deleteStack('made_and_gone');
      expect(takeStackWrites()).toEqual([]);
    });
    expect(await store.getJson(heatEngineStackKey('made_and_gone'))).toBeUndefined();
  });

  it('what a job holds is a copy: changing a returned stack changes neither etcd nor the next answer', async () => {
    const stacks = new EtcdStackStore(store);
    await new StackEngine({ store: stacks }).createStack({ name: 'copied', template: TEMPLATE, params: {} });
    await oneJobsStackReads(async () => {
      const first = (await stacks.get('copied'))!;
      (first as { status: string }).status = 'DELETE_FAILED';
      expect((await stacks.get('copied'))?.status).toBe('CREATE_COMPLETE');
      await stacks.delete('copied');
      expect(await stacks.get('copied')).toBeUndefined();
    });
    expect(await stacks.get('copied')).toBeUndefined();
  });
});
