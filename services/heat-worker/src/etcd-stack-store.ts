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
import type { OwnedStore, WriteOp } from '@esi/store';

interface JobScope {
  /**
   * What the job read or wrote, by stack name, as the JSON text stored (undefined: absent
   * or deleted). Text, because the engine changes the objects it is given: each answer is
   * a fresh parse, and a write keeps the text it sent rather than a deep copy nobody may
   * read (most jobs write several times and read their stack at most once).
   */
  readonly stacks: Map<string, string | undefined>;
  /** A stack's settled state not yet written: it goes with the job's own record (takeStackWrites). */
  readonly pending: Map<string, { store: OwnedStore; op: WriteOp }>;
}

const jobs = new AsyncLocalStorage<JobScope>();

/**
 * Runs one job's work: its stack reads after the first are served from what it read or
 * wrote, and the settled state of a stack it acted on is written with the job's record
 * (one transaction, reportStack) or, when the job ends without one, before it ends.
 */
export async function oneJobsStackReads<T>(fn: () => Promise<T>): Promise<T> {
  const scope: JobScope = { stacks: new Map(), pending: new Map() };
  let result: T;
  try {
    result = await jobs.run(scope, fn);
  } catch (err) {
    // Written all the same (a failed create's outcome, say); the job's own error says more.
    await writeHeldBack(scope).catch(() => undefined);
    throw err;
  }
  await writeHeldBack(scope);
  return result;
}

async function writeHeldBack(scope: JobScope): Promise<void> {
  for (const { store, op } of scope.pending.values()) await store.txn([], [op]);
  scope.pending.clear();
}

/**
 * The running job's stack writes held back so far, now the caller's to write (in the
 * transaction of the job's record); none outside a job.
 */
export function takeStackWrites(): WriteOp[] {
  const pending = jobs.getStore()?.pending;
  if (!pending) return [];
  const ops = [...pending.values()].map((p) => p.op);
  pending.clear();
  return ops;
}

/**
 * Within a job, an operation's outcome (a settled status) is not written on its own: the
 * job writes it with its heat_stacks record, one commit where there were two. The engine
 * goes on as if it were stored; a crash before the job's write leaves the stack as its
 * last progress write had it (in progress), which the next delivery resumes, as after a
 * crash just before the outcome's write. Progress (`*_IN_PROGRESS`) is written at once.
 */
export class EtcdStackStore implements StackStore {
  constructor(private readonly store: OwnedStore) {}

  async get(name: string): Promise<StoredStack | undefined> {
    const held = jobs.getStore()?.stacks;
    if (held?.has(name)) return parsed(held.get(name));
    const text = (await this.store.getString(heatEngineStackKey(name)))?.value;
    held?.set(name, text);
    return parsed(text);
  }

  async put(stack: StoredStack): Promise<void> {
    const key = heatEngineStackKey(stack.name);
    const text = JSON.stringify(stack);
    const scope = jobs.getStore();
    const inProgress = stack.status.endsWith('_IN_PROGRESS');
    if (scope && !inProgress) {
      scope.pending.set(stack.name, { store: this.store, op: { put: key, value: text } });
    } else {
      scope?.pending.delete(stack.name);
      await this.store.put(key, text);
    }
    scope?.stacks.set(stack.name, text);
    progressStored(stack);
  }

  async putIfAbsent(stack: StoredStack): Promise<boolean> {
    const key = heatEngineStackKey(stack.name);
    const text = JSON.stringify(stack);
    const claimed = await this.store.txn([{ key, absent: true }], [{ put: key, value: text }]);
    if (!claimed) {
      jobs.getStore()?.stacks.delete(stack.name);
      return false;
    }
    jobs.getStore()?.stacks.set(stack.name, text);
    progressStored(stack);
    return true;
  }

  async delete(name: string): Promise<void> {
    const scope = jobs.getStore();
    scope?.pending.delete(name);
    await this.store.delete(heatEngineStackKey(name));
    scope?.stacks.set(name, undefined);
  }
}

/**
 * The engine stores an operation's progress after each resource: a test-only fault aimed
 * here dies with the stack half made (or half removed), to be resumed.
 */
function progressStored(stack: StoredStack): void {
  if (stack.status.endsWith('_IN_PROGRESS')) faultPoint('mid-stack', stack.status.split('_')[0]!.toLowerCase());
}

const parsed = (text: string | undefined): StoredStack | undefined => (text === undefined ? undefined : (JSON.parse(text) as StoredStack));
