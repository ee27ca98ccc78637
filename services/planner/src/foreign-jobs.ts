/**
 * With partitions (partitions.ts), the jobs of the partitions other planners hold, as
 * etcd says them: every put and delete under /jobs/all of a job this planner does not
 * own, applied to the pending jobs in etcd's order. Planning reads them for its
 * dependency rule (a port waits for its network's jobs, whichever planner planned them);
 * a delete of one may release an own job that waited for it, so `onReleased` runs.
 *
 * `appliedRevision` is how far this view goes: a plan computed from it can be stored
 * only if no other partition changed the jobs it read since (partition-marks.ts).
 */
import type { IEvent } from 'etcd3';
import { KEY_PREFIX, SLICES } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import { blankMeta, type PendingJobs } from './pending-jobs.js';

export class ForeignJobs {
  private applied = 0n;
  private readonly waiters: { revision: bigint; resolve: () => void }[] = [];
  private stopWatch: (() => Promise<void>) | undefined;

  private constructor(
    private readonly pending: PendingJobs,
    private readonly log: Logger,
    private readonly onReleased: () => void,
  ) {}

  /** Follows /jobs/all from after `revision` (what `pending` was loaded at). */
  static async start(store: OwnedStore, pending: PendingJobs, revision: string, log: Logger, onReleased: () => void): Promise<ForeignJobs> {
    const view = new ForeignJobs(pending, log, onReleased);
    view.applied = BigInt(revision);
    const watcher = await store.watch({ prefix: KEY_PREFIX.jobs }, { startRevision: (BigInt(revision) + 1n).toString() }).create();
    watcher.on('data', (res) => view.apply(res.events));
    // etcd3 reconnects the watch from its last revision by itself; an error it cannot
    // recover from (a compacted revision) leaves this view behind for good: the process
    // exits so a fresh start loads the jobs again.
    watcher.on('error', (err: Error) => {
      log.fatal({ err }, 'lost the watch of other partitions’ jobs; exiting');
      process.exit(1);
    });
    view.stopWatch = () => watcher.cancel();
    return view;
  }

  get appliedRevision(): string {
    return this.applied.toString();
  }

  /** Resolves once every change up to `revision` is applied (at most `timeoutMs` later: false). */
  caughtUp(revision: string, timeoutMs: number): Promise<boolean> {
    const target = BigInt(revision);
    if (this.applied >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push({ revision: target, resolve: () => (clearTimeout(timer), resolve(true)) });
    });
  }

  stop(): Promise<void> {
    return this.stopWatch?.() ?? Promise.resolve();
  }

  private apply(events: IEvent[]): void {
    let released = false;
    for (const ev of events) {
      const key = ev.kv.key.toString();
      const id = SLICES.jobs.jobOf(key);
      const revision = BigInt(ev.kv.mod_revision);
      if (revision > this.applied) this.applied = revision;
      if (id === undefined) continue;
      if (ev.type === 'Delete') {
        const known = this.pending.get(id);
        if (!known || this.pending.isOwn(known.job)) continue;
        this.pending.delete(id);
        released = true;
        continue;
      }
      const stored = SLICES.jobs.parse(ev.kv.value.toString());
      if (!stored) {
        this.log.warn({ key }, 'unreadable job of another partition; skipped');
        continue;
      }
      const job = stored[1];
      if (this.pending.isOwn(job) || this.pending.has(id)) continue;
      this.pending.set({ job, meta: blankMeta() });
    }
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.applied >= this.waiters[i]!.revision) this.waiters.splice(i, 1)[0]!.resolve();
    }
    if (released) this.onReleased();
  }
}
