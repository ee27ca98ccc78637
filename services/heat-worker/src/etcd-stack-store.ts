/**
 * The embedded engine's stacks, kept in the heat-worker's slice of etcd.
 *
 * Within one job (`oneJobsStackReads`), a stack read or written once is not read again:
 * the job looks its stack up ("checking job status"), then the engine loads it again
 * under its own lock before acting, a second read of a value the job holds. The job runs
 * under the worker's lock on the stack and the engine's writes are plain puts, so the
 * copy is what a read would return unless another worker process acts on the same stack
 * at that moment, which a read just before the write would not have excluded either.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { heatEngineStackKey } from '@esi/contracts';
import type { StackStore, StoredStack } from '@esi/stack-engine';
import { faultPoint } from '@esi/service-runtime';
import type { OwnedStore } from '@esi/store';

/**
 * What the running job read or wrote, by stack name, as the JSON text stored (undefined:
 * absent or deleted). Text, because the engine changes the objects it is given: each
 * answer is a fresh parse, and a write keeps the text it sent rather than a deep copy
 * nobody may read (most jobs write several times and read their stack at most once).
 */
const jobsStacks = new AsyncLocalStorage<Map<string, string | undefined>>();

/** Runs one job's work: its stack reads after the first are served from what it read or wrote. */
export function oneJobsStackReads<T>(fn: () => Promise<T>): Promise<T> {
  return jobsStacks.run(new Map(), fn);
}

export class EtcdStackStore implements StackStore {
  constructor(private readonly store: OwnedStore) {}

  async get(name: string): Promise<StoredStack | undefined> {
    const held = jobsStacks.getStore();
    if (held?.has(name)) return parsed(held.get(name));
    const text = (await this.store.getString(heatEngineStackKey(name)))?.value;
    held?.set(name, text);
    return parsed(text);
  }

  async put(stack: StoredStack): Promise<void> {
    const text = JSON.stringify(stack);
    await this.store.put(heatEngineStackKey(stack.name), text);
    jobsStacks.getStore()?.set(stack.name, text);
    // The engine stores an operation's progress after each resource: a test-only fault
    // aimed here dies with the stack half made (or half removed), to be resumed.
    if (stack.status.endsWith('_IN_PROGRESS')) faultPoint('mid-stack', stack.status.split('_')[0]!.toLowerCase());
  }

  async putIfAbsent(stack: StoredStack): Promise<boolean> {
    const key = heatEngineStackKey(stack.name);
    const text = JSON.stringify(stack);
    const claimed = await this.store.txn([{ key, absent: true }], [{ put: key, value: text }]);
    if (!claimed) {
      jobsStacks.getStore()?.delete(stack.name);
      return false;
    }
    jobsStacks.getStore()?.set(stack.name, text);
    if (stack.status.endsWith('_IN_PROGRESS')) faultPoint('mid-stack', stack.status.split('_')[0]!.toLowerCase());
    return true;
  }

  async delete(name: string): Promise<void> {
    await this.store.delete(heatEngineStackKey(name));
    jobsStacks.getStore()?.set(name, undefined);
  }
}

const parsed = (text: string | undefined): StoredStack | undefined => (text === undefined ? undefined : (JSON.parse(text) as StoredStack));
