// Within one job the engine's stacks are read from etcd once; outside a job, every time.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heatEngineStackKey } from '@esi/contracts';
import { StackEngine } from '@esi/stack-engine';
import { OwnedStore } from '@esi/store';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { EtcdStackStore, oneJobsStackReads, StackNameTaken, takeStackWrites } from './etcd-stack-store.js';

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
      const held = takeStackWrites();
      expect(held.ops.map((op) => ('put' in op ? op.put : op.delete))).toEqual([key]);
      expect(held.expects).toEqual([]);
      await store.txn(held.expects, [...held.ops, { put: '/esi-worker/heat_stacks/v2.0/ports/held_back', value: '{}' }]);
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
      expect(takeStackWrites().ops).toEqual([]);
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

describe('EtcdStackStore holding claims back to the commit', () => {
  /** A store whose lost claims are undone by the engine, and the stacks it discarded. */
  function claimsAtCommit() {
    const discarded: string[] = [];
    const stacks: EtcdStackStore = new EtcdStackStore(store, {
      discard: async (stack) => {
        discarded.push(`${stack.name} ${stack.tags?.join(',') ?? ''}`);
        await engine.discardUnstored(stack);
      },
    });
    const engine: StackEngine = new StackEngine({ store: stacks });
    return { stacks, engine, discarded };
  }
  const commits = (): number => store.groupCommit!.counts.members;
  const RECORD = { put: '/esi-worker/heat_stacks/v2.0/ports/claimed_record', value: '{}' };

  it('a new stack costs one commit, the claim and the outcome with the record, and no read', async () => {
    const { engine } = claimsAtCommit();
    const key = heatEngineStackKey('one_commit');
    const [before, readsBefore] = [commits(), reads()];
    await oneJobsStackReads(async () => {
      const created = await engine.createStackIfAbsent({ name: 'one_commit', template: TEMPLATE, params: {} });
      expect(created?.status).toBe('CREATE_COMPLETE');
      // Nothing is stored before the job's commit.
      expect(commits() - before).toBe(0);
      expect(await store.getJson(key)).toBeUndefined();
      const held = takeStackWrites();
      expect(held.expects).toEqual([{ key, absent: true }]);
      expect(await store.txn(held.expects, [...held.ops, RECORD])).toBe(true);
    });
    expect(commits() - before).toBe(1);
    expect(reads() - readsBefore).toBe(1); // the test's own look above
    expect((await store.getJson<{ status: string; operations: unknown }>(key))?.value).toMatchObject({ status: 'CREATE_COMPLETE', operations: { CREATE: 1 } });
  });

  it('a name taken before the commit: nothing written, the work discarded, the stack there read afresh', async () => {
    const { engine, discarded } = claimsAtCommit();
    const key = heatEngineStackKey('taken');
    await new StackEngine({ store: new EtcdStackStore(store) }).createStack({ name: 'taken', template: TEMPLATE, params: {}, tags: ['first'] });
    const stored = await store.getString(key);
    await oneJobsStackReads(async () => {
      const speculative = await engine.createStackIfAbsent({ name: 'taken', template: TEMPLATE, params: {}, tags: ['second'] });
      expect(speculative?.tags).toEqual(['second']);
      const held = takeStackWrites();
      expect(await store.txn(held.expects, [...held.ops, { put: '/esi-worker/heat_stacks/v2.0/ports/taken', value: '{}' }])).toBe(false);
      const lost = await held.lost();
      expect(lost).toBeInstanceOf(StackNameTaken);
      expect(lost.names).toEqual(['taken']);
      expect(discarded).toEqual(['taken second']);
      // The job's next look finds the namesake, not what it made.
      const before = reads();
      expect((await engine.getStack('taken'))?.tags).toEqual(['first']);
      expect(reads() - before).toBe(1);
    });
    expect(await store.getString(key)).toEqual(stored);
    expect(await store.getString('/esi-worker/heat_stacks/v2.0/ports/taken')).toBeUndefined();
  });

  it('a job ending without its record writes the claim on the same condition; a claimed stack deleted in the job never touches etcd', async () => {
    const { engine, discarded } = claimsAtCommit();
    await oneJobsStackReads(() => engine.createStackIfAbsent({ name: 'claimed_left_over', template: TEMPLATE, params: {} }));
    expect((await store.getJson<{ status: string }>(heatEngineStackKey('claimed_left_over')))?.value.status).toBe('CREATE_COMPLETE');

    // Taken meanwhile: the job's end finds it so and writes nothing.
    const kept = await store.getString(heatEngineStackKey('claimed_left_over'));
    await expect(oneJobsStackReads(() => engine.createStackIfAbsent({ name: 'claimed_left_over', template: TEMPLATE, params: {}, tags: ['again'] }))).rejects.toBeInstanceOf(
      StackNameTaken,
    );
    expect(discarded).toEqual(['claimed_left_over again']);
    expect(await store.getString(heatEngineStackKey('claimed_left_over'))).toEqual(kept);

    // Created and deleted within one job over a namesake: the namesake stays.
    await oneJobsStackReads(async () => {
      await engine.createStackIfAbsent({ name: 'claimed_left_over', template: TEMPLATE, params: {} });
      await engine.deleteStack('claimed_left_over');
      expect(takeStackWrites().ops).toEqual([]);
    });
    expect(await store.getString(heatEngineStackKey('claimed_left_over'))).toEqual(kept);
  });
});
