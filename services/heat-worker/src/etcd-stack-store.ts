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
import { StackEngine, type SimulationOptions, type StackStore, type StoredStack } from '@esi/stack-engine';
import { faultPoint } from '@esi/service-runtime';
import type { Expect, OwnedStore, WriteOp } from '@esi/store';

/** A stack's put the job holds back, to go with its record. */
interface HeldWrite {
  readonly store: OwnedStore;
  readonly key: string;
  /** The stack as the put stores it (and, for a lost claim, what is discarded). */
  readonly text: string;
  /**
   * Set when the stack's first write was a claim (putIfAbsent): nothing of it is stored
   * yet, the held write stores it only if the name is still free then, and this undoes
   * the engine's work when it is not.
   */
  readonly claim?: DiscardUnstored;
}

const putOf = (w: HeldWrite): WriteOp => ({ put: w.key, value: w.text });

/** Undoes what the engine made for a stack that was never stored (StackEngine.discardUnstored). */
export type DiscardUnstored = (stack: StoredStack) => Promise<void>;

interface JobScope {
  /**
   * What the job read or wrote, by stack name, as the JSON text stored (undefined: absent
   * or deleted). Text, because the engine changes the objects it is given: each answer is
   * a fresh parse, and a write keeps the text it sent rather than a deep copy nobody may
   * read (most jobs write several times and read their stack at most once).
   */
  readonly stacks: Map<string, string | undefined>;
  /** A stack's state not yet written: it goes with the job's own record (takeStackWrites). */
  readonly pending: Map<string, HeldWrite>;
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
  const held = [...scope.pending.values()];
  scope.pending.clear();
  for (const write of held) {
    if (!(await write.store.txn(conditionsOf([write]), [putOf(write)]))) throw await lostClaims([write]);
  }
}

/**
 * The running job's stack writes held back so far, now the caller's to write in the
 * transaction of the job's record, with their conditions; nothing outside a job. When
 * that transaction fails its conditions, `lost` discards the claimed stacks and answers
 * the error to throw.
 */
export function takeStackWrites(): { expects: Expect[]; ops: WriteOp[]; lost: () => Promise<StackNameTaken> } {
  const pending = jobs.getStore()?.pending;
  const held = pending ? [...pending.values()] : [];
  pending?.clear();
  return { expects: conditionsOf(held), ops: held.map(putOf), lost: () => lostClaims(held) };
}

async function lostClaims(held: readonly HeldWrite[]): Promise<StackNameTaken> {
  const seen = jobs.getStore()?.stacks;
  const names: string[] = [];
  for (const { claim, text } of held) {
    if (!claim) continue;
    const stack = JSON.parse(text) as StoredStack;
    // What the job "wrote" was never stored: its next read of the name goes to etcd.
    seen?.delete(stack.name);
    await claim(stack);
    names.push(stack.name);
  }
  return new StackNameTaken(names);
}

function conditionsOf(held: readonly HeldWrite[]): Expect[] {
  return held.filter((w) => w.claim !== undefined).map((w) => ({ key: w.key, absent: true as const }));
}

/**
 * A create claimed a name that, at its commit, was taken: another stack of that name was
 * stored (a namesake, or the same job run elsewhere). Nothing of this create was written,
 * and what the engine made for it has been discarded.
 */
export class StackNameTaken extends Error {
  constructor(readonly names: readonly string[]) {
    super(`stack name taken before the create was stored: ${names.join(', ')}`);
    this.name = 'StackNameTaken';
  }
}

/** How an EtcdStackStore holding claims back to the commit undoes a lost one. */
export interface ClaimsAtCommit {
  /** How a claim lost at the commit is undone (StackEngine.discardUnstored). */
  readonly discard: DiscardUnstored;
}

/**
 * Within a job, an operation's outcome (a settled status) is not written on its own: the
 * job writes it with its heat_stacks record, one commit where there were two. The engine
 * goes on as if it were stored; a crash before the job's write leaves the stack as its
 * last progress write had it (in progress), which the next delivery resumes, as after a
 * crash just before the outcome's write. Progress (`*_IN_PROGRESS`) is written at once,
 * except after a claim.
 *
 * A claim (a create job's first delivery, which expects no stack) is held back too, with
 * every later write of that stack in the job: the job's one commit stores the stack on
 * condition that the name is still free, so a new stack costs one fsync'd write, not two.
 * A crash before it leaves nothing stored (the simulated resources lived in the dead
 * process), and the next delivery creates the stack. When the commit finds the name taken
 * it writes nothing, has the engine undo what it made, and throws StackNameTaken; the job
 * then looks at the stack that is there, as any other delivery does.
 */
export class EtcdStackStore implements StackStore {
  /**
   * `claimsAtCommit`: hold a job's claims back to its commit (above). Only for an engine
   * whose providers act inside this process (the simulated ones): a create whose name
   * turns out taken has then run its providers for nothing, and is undone. Without it a
   * claim is written at once and nothing runs before the name is known free.
   */
  constructor(
    private readonly store: OwnedStore,
    private readonly claimsAtCommit?: ClaimsAtCommit,
  ) {}

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
    // A claimed stack's every write waits for the commit that decides the claim.
    const claim = scope?.pending.get(stack.name)?.claim;
    if (scope && (claim || !stack.status.endsWith('_IN_PROGRESS'))) {
      scope.pending.set(stack.name, { store: this.store, key, text, claim });
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
    const scope = jobs.getStore();
    if (scope && this.claimsAtCommit) {
      // Decided at the job's commit (see above): held back, the name's absence its condition.
      scope.pending.set(stack.name, { store: this.store, key, text, claim: this.claimsAtCommit.discard });
      scope.stacks.set(stack.name, text);
      progressStored(stack);
      return true;
    }
    const claimed = await this.store.txn([{ key, absent: true }], [{ put: key, value: text }]);
    if (!claimed) {
      scope?.stacks.delete(stack.name);
      return false;
    }
    scope?.stacks.set(stack.name, text);
    progressStored(stack);
    return true;
  }

  async delete(name: string): Promise<void> {
    const scope = jobs.getStore();
    const held = scope?.pending.get(name);
    scope?.pending.delete(name);
    // A stack claimed in this job was never stored: deleting the key would remove the
    // namesake that may hold the name.
    if (held?.claim === undefined) await this.store.delete(heatEngineStackKey(name));
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

/**
 * The embedded engine with its stacks in this slice, as the heat-worker runs it: its
 * simulated providers act only inside this process, so a create may run before the job's
 * commit decides whether the name was free, and is undone when it was not.
 */
export function engineOverEtcd(store: OwnedStore, simulation: SimulationOptions = {}): StackEngine {
  const stacks: EtcdStackStore = new EtcdStackStore(store, { discard: (stack) => engine.discardUnstored(stack) });
  const engine: StackEngine = new StackEngine({ store: stacks, simulation });
  return engine;
}
