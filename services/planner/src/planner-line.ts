/**
 * How the planner's handlers run beside each other. Changes and results run under their
 * resource's key: handlers of different resources side by side, one resource's versions
 * and jobs in order. Dependencies stay consistent with changes planned side by side
 * because a plan claims its jobs in the same synchronous step that computes its
 * dependencies from the pending jobs (`claim` in @esi/planning, `hold` in
 * pending-jobs.ts): of two plans, the later one waits for the earlier one's jobs. A
 * change that must first plan another resource (a referenced resource never planned:
 * plan-references.ts) throws `NeedsAlone`, as that resource may be being planned beside
 * it, and runs again alone. A resync's planning, and a removal (it plans every delete
 * that waited), run alone: once every running handler has ended.
 */
import { KeyedLock } from '@esi/keyed-lock';
import { RetryableError } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import { recordReplan, type Logger } from '@esi/telemetry';
import type { MetaWrites } from './meta-writes.js';
import type { PendingJobs } from './pending-jobs.js';
import { SharedGate } from './shared-gate.js';

const ALONE = '\u0000alone';

/** Thrown by a change's handler that must plan another resource first: the change runs again, alone. */
export class NeedsAlone extends Error {
  override readonly name = 'NeedsAlone';
}

/**
 * A change that waits for another partition's planner (plan-references.ts): thrown
 * before it wrote anything, so its event is simply redelivered later and the pending
 * jobs need no reload.
 */
export class WaitsForOtherPartition extends RetryableError {
  override readonly name = 'WaitsForOtherPartition';
}

export class PlannerLine {
  private readonly lock = new KeyedLock();
  private readonly gate = new SharedGate();
  /**
   * A handler that failed part-way may have left etcd and the pending jobs in memory
   * apart: a transaction whose answer was lost (an etcd member died after committing it)
   * may have stored jobs this process never added. The next handler first reloads the
   * pending jobs from etcd, the source of truth, so none is stranded there; alone, so no
   * other handler's jobs are half in memory while it does.
   */
  private pendingStale = false;

  constructor(
    private readonly deps: {
      store: OwnedStore;
      pending: PendingJobs;
      metaWrites: MetaWrites;
      log: Logger;
      /** Forgets what the planner holds besides the pending jobs (read again from etcd as needed). */
      forgetHeld?: () => void;
      /**
       * Reads the pending jobs again (default: all of them). With partitions only its own:
       * the others' follow etcd's watch (foreign-jobs.ts), and a snapshot older than what
       * the watch applied would bring back a job it saw finish.
       */
      reload?: () => Promise<unknown>;
    },
  ) {}

  /**
   * A change of the resource `id`: `fn` is told whether it runs beside other handlers, or
   * alone because it asked to (NeedsAlone).
   */
  async change<T>(id: string, fn: (beside: boolean) => Promise<T>): Promise<T> {
    try {
      return await this.lock.run(id, () => this.shared(() => fn(true)));
    } catch (err) {
      if (!(err instanceof NeedsAlone)) throw err;
      recordReplan('runs_alone');
      this.deps.log.debug({ resource: id, reason: err.message }, 'change runs again alone');
    }
    return this.alone(() => fn(false));
  }

  /** A result of a job of the resource `id`: beside changes and other resources' results. */
  result<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(id, () => this.shared(fn));
  }

  /** Work that plans any resource (a resync, a removal): once every running handler has ended, alone. */
  alone<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(ALONE, () =>
      this.gate.exclusive(async () => {
        await this.reloadIfStale();
        return this.guard(fn);
      }),
    );
  }

  private async shared<T>(fn: () => Promise<T>): Promise<T> {
    // Reloaded only in an exclusive turn: never under a handler that is running.
    if (this.pendingStale) await this.gate.exclusive(() => this.reloadIfStale());
    return this.gate.shared(() => this.guard(fn));
  }

  /** Runs a handler; its failure marks the pending jobs for a reload. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      // A plan that asks to run alone stops before storing its jobs; what it wrote before
      // (older work it superseded) is in etcd and in memory alike.
      if (err instanceof NeedsAlone || err instanceof WaitsForOtherPartition) throw err;
      this.pendingStale = true;
      this.deps.forgetHeld?.();
      throw err;
    }
  }

  private async reloadIfStale(): Promise<void> {
    if (!this.pendingStale) return;
    const { store, pending, metaWrites, log } = this.deps;
    await metaWrites.all();
    await (this.deps.reload ? this.deps.reload() : pending.load(store));
    this.pendingStale = false;
    log.info({ pending: pending.size }, 'pending jobs reloaded after a failed handler');
  }
}
