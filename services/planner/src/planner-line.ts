/**
 * How the planner's handlers run beside each other. Planning a change reads the pending
 * jobs to compute its dependencies and writes new ones, so changes still run one at a
 * time. A result only finishes its job and releases what waited for it: results run
 * beside changes and beside each other, one at a time per resource (its versions and
 * its jobs stay in order), and a change holds its resource's turn too, so a result never
 * interleaves with the planning of its own resource. A resync's planning, and a removal
 * (it plans every delete that waited), run alone.
 */
import { KeyedLock } from '@esi/keyed-lock';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { MetaWrites } from './meta-writes.js';
import type { PendingJobs } from './pending-jobs.js';
import { SharedGate } from './shared-gate.js';

const CHANGES = '\u0000changes';

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
    },
  ) {}

  /** A change of `resource` (type:id): one change at a time, and not beside that resource's results. */
  change<T>(resource: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(CHANGES, () => this.lock.run(resource, () => this.shared(fn)));
  }

  /** A result of a job of `resource`: beside changes and other resources' results. */
  result<T>(resource: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(resource, () => this.shared(fn));
  }

  /** Work that plans any resource (a resync, a removal): once every running handler has ended, alone. */
  alone<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(CHANGES, () =>
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
      this.pendingStale = true;
      this.deps.forgetHeld?.();
      throw err;
    }
  }

  private async reloadIfStale(): Promise<void> {
    if (!this.pendingStale) return;
    const { store, pending, metaWrites, log } = this.deps;
    await metaWrites.all();
    await pending.load(store);
    this.pendingStale = false;
    log.info({ pending: pending.size }, 'pending jobs reloaded after a failed handler');
  }
}
