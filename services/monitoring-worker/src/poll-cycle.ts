/**
 * One poll cycle (poller.ts runs them): checks every device not still busy, once, with
 * its ready targets, then merges and writes only the resources that may have a new value:
 * those "dirty" when the cycle began (targets or /monitoring changed, a hold or first
 * poll pending) and those an item's status changed in. Every other resource costs one
 * status comparison per item.
 *
 * A resource is merged as soon as every device of its ready targets has answered, which
 * the cycle tracks as a count per resource rather than a promise per resource, and writes
 * wait in a queue that sends them in batches (batch-queue.ts): a cycle over 100,000
 * resources allocates little more than their list.
 * Late checks and writes keep using the cycle after pollOnce returned.
 */
import { monitoringSubject, events } from '@esi/contracts';
import type { Publisher } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import { BatchQueue } from './batch-queue.js';
import { createLimiter } from './limiter.js';
import type { MonitoringValue, MonitoringValues } from './monitoring-values.js';
import type { Probe } from './probe.js';
import { mergeStatuses, sameValue, targetLabel } from './resource-value.js';
import { STATUS } from './statuses.js';
import type { TargetIndex, TrackedTarget } from './target-index.js';
import type { Target } from './targets.js';

/** What outlives a cycle; the Poller owns it. */
export interface PollerState {
  store: OwnedStore;
  publisher: Publisher;
  probe: Probe;
  log: Logger;
  /** Devices checked at once, and /monitoring writes at once. */
  concurrency: number;
  targets: TargetIndex;
  values: MonitoringValues;
  /** /monitoring keys of resources to look at in the next cycle. */
  dirty: Set<string>;
  /** Devices whose check, maybe of an earlier cycle, is still running. */
  busyDevices: Set<string>;
  /** Resources scheduled in a cycle whose merge or write has not finished, with that cycle. */
  pendingResources: Map<string, PollCycle>;
}

interface DeviceCheck {
  items: TrackedTarget[];
  finished: boolean;
  /** Scheduled resources whose merge waits for this check (and maybe others). */
  waiters: string[];
  /** Settles (never rejects) once the statuses are recorded and the merges decided. */
  done: Promise<void>;
}

interface Write {
  resource: string;
  value: MonitoringValue;
  before: MonitoringValue | null | undefined;
  /** Names the resource in the announcement. */
  target: Target;
}

/** Puts per etcd transaction; etcd refuses more than 128 operations in one. */
const WRITE_BATCH = 100;

export class PollCycle {
  /** Resources not polled because a check or write of an earlier cycle is still running. */
  readonly waiting: ReadonlySet<string>;
  /** /monitoring keys whose resource has no target left, for the Poller to delete. */
  readonly orphans: string[] = [];
  evaluated = 0;
  written = 0;
  private readonly checks = new Map<string, DeviceCheck>();
  /** Scheduled resources → checks still to finish before their merge. */
  private readonly awaiting = new Map<string, number>();
  private readonly writes: BatchQueue<Write>;
  /** A new target is first polled once it is firstPollDelayMs old. */
  private readonly isReady: (t: TrackedTarget) => boolean;

  /** Starts the checks and schedules the resources that were dirty. */
  constructor(
    private readonly s: PollerState,
    started: number,
    firstPollDelayMs: number,
  ) {
    this.isReady = (t) => started - t.target.registered_at_ms >= firstPollDelayMs;
    this.writes = new BatchQueue(s.concurrency, WRITE_BATCH, (ws) => this.write(ws));
    this.waiting = this.waitingResources();
    this.startChecks();
    // A copy: a merge decided at once may put its resource back into the set.
    for (const resource of [...s.dirty]) {
      if (this.waiting.has(resource)) continue;
      if (s.targets.targetsOf(resource).length > 0) this.schedule(resource);
      else if (s.values.has(resource)) this.orphans.push(resource);
      else s.dirty.delete(resource);
    }
  }

  get devices(): number {
    return this.checks.size;
  }

  /** Errors of writes that failed, in order. */
  get failures(): readonly unknown[] {
    return this.writes.failures;
  }

  /** Settles once every check has answered and every write is done. */
  async done(): Promise<void> {
    // Finished checks decide their merges, so every write is queued once they all are.
    await Promise.allSettled([...this.checks.values()].map((c) => c.done));
    await this.writes.idle();
  }

  /** Resources of checks, merges and writes still running (when the cycle ends at its budget). */
  unfinished(): number {
    const open = new Set<string>();
    for (const [resource, c] of this.s.pendingResources) if (c === this) open.add(resource);
    for (const check of this.checks.values()) if (!check.finished) for (const t of check.items) open.add(t.resource);
    return open.size;
  }

  private waitingResources(): Set<string> {
    const waiting = new Set(this.s.pendingResources.keys());
    for (const [device, ts] of this.s.targets.devices()) {
      if (!this.s.busyDevices.has(device)) continue;
      for (const t of ts) if (this.isReady(t)) waiting.add(t.resource);
    }
    return waiting;
  }

  /** One check per device not busy, of its ready targets whose resources are not waiting. */
  private startChecks(): void {
    const limit = createLimiter(this.s.concurrency);
    for (const [device, ts] of this.s.targets.devices()) {
      if (this.s.busyDevices.has(device)) continue;
      const items: TrackedTarget[] = [];
      for (const t of ts) if (this.isReady(t) && !this.waiting.has(t.resource)) items.push(t);
      if (items.length === 0) continue;
      this.s.busyDevices.add(device);
      const check: DeviceCheck = { items, finished: false, waiters: [], done: Promise.resolve() };
      check.done = limit(() => this.s.probe.check(items.map((t) => t.target.properties)))
        .catch((err: unknown): string[] => {
          this.s.log.warn({ err, device, targets: items.length, first: targetLabel(items[0]!.target) }, 'probe failed');
          return [];
        })
        .then((statuses) => this.finishCheck(check, statuses))
        .finally(() => {
          check.finished = true;
          this.s.busyDevices.delete(device);
        });
      this.checks.set(device, check);
    }
  }

  /**
   * Keeps each item's new status, schedules the merge of every resource with a change,
   * and merges the resources that were waiting for this check last.
   */
  private finishCheck(check: DeviceCheck, statuses: readonly string[]): void {
    check.finished = true;
    check.items.forEach((t, i) => {
      const status = statuses[i] ?? STATUS.unknown;
      if (t.status === status) return;
      t.status = status;
      this.s.dirty.add(t.resource);
      this.schedule(t.resource);
    });
    for (const resource of check.waiters) {
      const left = (this.awaiting.get(resource) ?? 1) - 1;
      if (left > 0) {
        this.awaiting.set(resource, left);
      } else {
        this.awaiting.delete(resource);
        this.merge(resource);
      }
    }
    check.waiters = [];
  }

  /** Merges the resource now, or once every device of its ready targets has answered. */
  private schedule(resource: string): void {
    if (this.s.pendingResources.has(resource)) return;
    const ready = this.s.targets.targetsOf(resource).filter(this.isReady);
    // Not polled yet (first-poll delay): it stays dirty until it is.
    if (ready.length === 0) return;
    const open: DeviceCheck[] = [];
    for (const t of ready) {
      const check = t.device === undefined ? undefined : this.checks.get(t.device);
      if (check && !check.finished && !open.includes(check)) open.push(check);
    }
    this.s.pendingResources.set(resource, this);
    if (open.length === 0) {
      this.merge(resource);
      return;
    }
    for (const check of open) check.waiters.push(resource);
    this.awaiting.set(resource, open.length);
  }

  /** Computes the resource's value and queues its write when it differs from /monitoring. */
  private merge(resource: string): void {
    let write: Write | undefined;
    try {
      write = this.decide(resource);
    } catch (err) {
      // Called from a check's completion: a throw here would leave the resource pending for good.
      this.s.log.warn({ err, resource }, 'merge failed');
      this.s.dirty.add(resource);
    }
    if (write) this.writes.push(write);
    else this.settle(resource);
  }

  private decide(resource: string): Write | undefined {
    const targets = this.s.targets.targetsOf(resource);
    const ready = targets.filter(this.isReady);
    // A target replaced or added while the devices were checked has no status yet: next cycle.
    if (ready.length === 0 || ready.some((t) => t.status === undefined)) return undefined;
    this.evaluated++;
    this.s.dirty.delete(resource);
    const before = this.s.values.get(resource);
    const polled = ready.map((t) => ({ target: t.target, status: t.status ?? STATUS.unknown }));
    const { value, held } = mergeStatuses(polled, before ?? undefined, Date.now(), this.s.log);
    // A held status may be written later, an item not polled yet will be: look again then.
    if (held || ready.length < targets.length) this.s.dirty.add(resource);
    if (!value || sameValue(before, value)) return undefined;
    return { resource, value, before, target: ready[0]!.target };
  }

  /** Writes a batch in one request, then announces each value. */
  private async write(batch: Write[]): Promise<void> {
    const { store, values, dirty } = this.s;
    try {
      // Recorded first, so the watch's echo of this write is not taken for another replica's.
      for (const w of batch) values.expect(w.resource, w.value);
      try {
        if (batch.length === 1) await store.putJson(batch[0]!.resource, batch[0]!.value);
        else await store.txn([], batch.map((w) => ({ put: w.resource, value: JSON.stringify(w.value) })));
      } catch (err) {
        for (const w of batch) {
          values.restore(w.resource, w.value, w.before);
          dirty.add(w.resource);
        }
        throw err;
      }
      this.written += batch.length;
      // One at a time: at most `concurrency` announcements in flight, as writes were.
      let failed: unknown;
      for (const w of batch) await this.announce(w.target, w.value).catch((err: unknown) => (failed ??= err));
      if (failed !== undefined) throw failed;
    } finally {
      for (const w of batch) this.settle(w.resource);
    }
  }

  private settle(resource: string): void {
    if (this.s.pendingResources.get(resource) === this) this.s.pendingResources.delete(resource);
  }

  private async announce(t: Target, value: MonitoringValue): Promise<void> {
    const { version, ...status } = value;
    this.s.log.info({ resource: `${t.plural}/${t.resource_id}`, status, version }, 'monitoring changed');
    await this.s.publisher.publish(
      monitoringSubject(t.resource_type, t.resource_id),
      events.MonitoringChanged.encode({
        resourceType: t.resource_type,
        resourceId: t.resource_id,
        version: Number(version),
        status,
        changedAtMs: Date.now(),
      }).finish(),
      `monitoring:${t.resource_type}:${t.resource_id}:${Date.now()}`,
    );
  }
}
