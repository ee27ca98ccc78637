/**
 * Writes of a job's bookkeeping (its dispatch attempt) that the planner does not wait
 * for: a redispatch, or a dispatch no transaction recorded first (dispatch-records.ts). The record only spares a restarted planner from dispatching a job again; the
 * work message is already out when it is written, and a second dispatch is harmless
 * (same message id within JetStream's duplicate window, idempotent workers after it).
 * Waiting for its fsync on the planner's single line of work cost every change and
 * every result a round trip. Writes of one job stay in order, and whatever removes the
 * job's keys first waits for them (`settled`), so a late write never revives a key.
 */
import { plannerJobMetaKey, type JobMeta } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';

export class MetaWrites {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly store: OwnedStore,
    private readonly log: Logger,
  ) {}

  write(jobId: string, meta: JobMeta): void {
    const value = { ...meta };
    const previous = this.inFlight.get(jobId) ?? Promise.resolve();
    const done = previous
      .then(() => this.store.putJson(plannerJobMetaKey(jobId), value))
      .catch((err: unknown) => this.log.warn({ err, job: jobId }, 'dispatch not recorded; a restarted planner may dispatch the job again'));
    this.inFlight.set(jobId, done);
    void done.then(() => {
      if (this.inFlight.get(jobId) === done) this.inFlight.delete(jobId);
    });
  }

  /** Resolves once every write started for these jobs has ended. */
  async settled(jobIds: Iterable<string>): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const id of jobIds) {
      const w = this.inFlight.get(id);
      if (w) waits.push(w);
    }
    await Promise.all(waits);
  }

  /** Every write in flight (at shutdown). */
  async all(): Promise<void> {
    await Promise.all([...this.inFlight.values()]);
  }
}
