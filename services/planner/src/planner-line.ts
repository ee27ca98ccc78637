/**
 * The planner's one line of work: every handler (a change, a result, a resync's
 * planning) runs alone, because planning reads the pending jobs and writes new ones, and
 * two handlers interleaving could each miss the other's jobs when computing
 * dependencies.
 */
import { KeyedLock } from '@esi/keyed-lock';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { MetaWrites } from './meta-writes.js';
import type { PendingJobs } from './pending-jobs.js';

export class PlannerLine {
  private readonly lock = new KeyedLock();
  /**
   * A handler that failed part-way may have left etcd and the pending jobs in memory
   * apart: a transaction whose answer was lost (an etcd member died after committing it)
   * may have stored jobs this process never added. The next handler first reloads the
   * pending jobs from etcd, the source of truth, so none is stranded there.
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

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run('planner', async () => {
      if (this.pendingStale) await this.reloadPending();
      try {
        return await fn();
      } catch (err) {
        this.pendingStale = true;
        this.deps.forgetHeld?.();
        throw err;
      }
    });
  }

  private async reloadPending(): Promise<void> {
    const { store, pending, metaWrites, log } = this.deps;
    await metaWrites.all();
    await pending.load(store);
    this.pendingStale = false;
    log.info({ pending: pending.size }, 'pending jobs reloaded after a failed handler');
  }
}
