/**
 * Polls every registered target and writes /monitoring/v2.0/<plural>/<id> only when a
 * resource's merged status changes ({<item>: <status>, ..., "version": n}, esi-reference
 * §5.5/§5.6), honouring hold options; a key whose resource has no target left is deleted.
 *
 * Items are grouped by device and each device is checked once per cycle, at most
 * `concurrency` devices at a time; a resource is written as soon as its own devices have
 * answered, and a cycle waits at most maxCycleMs, so a slow or dead device delays only
 * the resources it carries, never the polling of the others.
 */
import { KEY_PREFIX, monitoringKey, monitoringSubject, events } from '@esi/contracts';
import type { Publisher } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import { holdAllows, type HoldOptions } from './hold-options.js';
import { holdOptionsOf } from './item-types.js';
import { createLimiter } from './limiter.js';
import type { Probe } from './probe.js';
import { STATUS } from './statuses.js';
import { allTargets, type Target } from './targets.js';

export interface PollerDeps {
  store: OwnedStore;
  publisher: Publisher;
  probe: Probe;
  log: Logger;
  intervalMs: number;
  /** Each wait is intervalMs × (1 ± jitter), so many workers do not poll in step. */
  jitter?: number;
  /** Devices checked at once (and /monitoring writes at once). */
  concurrency: number;
  /**
   * A new target is first polled once it is this old (default: one interval), so the
   * job's result reaches /state before the first /monitoring write, as in the seed.
   */
  firstPollDelayMs?: number;
  /**
   * How long a cycle waits for its devices (default: one interval). Checks still running
   * then finish in the background; the next cycles skip those devices and resources
   * until they have, so a slow device never delays the polling of the others.
   */
  maxCycleMs?: number;
}

export interface PollStats {
  targets: number;
  /** Devices checked in this cycle. */
  devices: number;
  /** Resources not polled because a check or write of an earlier cycle is still running. */
  skipped: number;
  written: number;
  deleted: number;
  /** Resources whose write was left to the background when the cycle ended. */
  pending: number;
  ms: number;
}

export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly busyDevices = new Set<string>();
  private readonly pendingResources = new Set<string>();
  private readonly background = new Set<Promise<unknown>>();

  constructor(private readonly deps: PollerDeps) {}

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.running = this.pollOnce()
        .then((stats) => this.deps.log.debug(stats, 'poll cycle'))
        .catch((err) => this.deps.log.warn({ err }, 'poll cycle failed'))
        .finally(() => {
          const jitter = this.deps.jitter ?? 0.1;
          if (!this.stopped) this.timer = setTimeout(tick, this.deps.intervalMs * (1 - jitter + 2 * jitter * Math.random()));
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.settled();
  }

  /** Resolves when no check or write of an earlier cycle is still running. */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  async pollOnce(): Promise<PollStats> {
    const started = Date.now();
    const { targets, bad } = await allTargets(this.deps.store);
    if (bad.length > 0) this.deps.log.warn({ keys: bad }, 'skipping target keys that are not targets');
    const current = await this.deps.store.getPrefix(KEY_PREFIX.monitoring);

    const byResource = groupBy(targets, resourceKey);
    const firstPollDelay = this.deps.firstPollDelayMs ?? this.deps.intervalMs;
    const ready = targets.filter((t) => started - t.registered_at_ms >= firstPollDelay);
    const due = ready.filter((t) => !this.pendingResources.has(resourceKey(t)));
    const { statuses, devices } = this.probeAll(due);

    const writes = createLimiter(this.deps.concurrency);
    let written = 0;
    const polling = [...groupBy(due, resourceKey)].filter(([, ts]) => ts.every((t) => statuses.has(t)));
    const skipped = groupBy(ready, resourceKey).size - polling.length;
    const tasks = polling.map(([key, ts]) => {
      this.pendingResources.add(key);
      const task = async (): Promise<void> => {
        const polled = await Promise.all(ts.map((t) => statuses.get(t)!));
        const value = this.merge(ts, polled, parseValue(current.get(key)));
        if (!value || sameJson(current.get(key), value)) return;
        await writes(async () => {
          await this.deps.store.putJson(key, value);
          written++;
          await this.announce(ts[0]!, value);
        });
      };
      return task().finally(() => this.pendingResources.delete(key));
    });
    let settledCount = 0;
    const all = Promise.allSettled(tasks.map((t) => t.finally(() => settledCount++)));
    const late = await raceTimeout(all, this.deps.maxCycleMs ?? this.deps.intervalMs);
    if (late) {
      const rest = all.then((results) => {
        for (const r of results) if (r.status === 'rejected') this.deps.log.warn({ err: r.reason }, 'late monitoring write failed');
      });
      this.background.add(rest);
      void rest.finally(() => this.background.delete(rest));
    } else {
      // Every resource has had its chance; one failed write (etcd away) fails the cycle after.
      const failed = (await all).find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }

    let deleted = 0;
    for (const key of current.keys()) {
      if (byResource.has(key)) continue;
      await this.deps.store.delete(key);
      deleted++;
      this.deps.log.info({ key }, 'monitoring removed: no targets left');
    }
    return { targets: targets.length, devices, skipped, written, deleted, pending: tasks.length - settledCount, ms: Date.now() - started };
  }

  /**
   * Starts one check per device (bounded by the concurrency) and returns a status promise
   * per target. A device still being checked by an earlier cycle is skipped, and with it
   * every resource it carries (those targets get no promise).
   */
  private probeAll(due: Target[]): { statuses: Map<Target, Promise<string>>; devices: number } {
    const statuses = new Map<Target, Promise<string>>();
    const groups = new Map<string, Target[]>();
    for (const t of due) {
      let key: string;
      try {
        key = this.deps.probe.deviceKey(t.properties);
      } catch (err) {
        // Items are validated when registered; a target stored by an older build may not be.
        this.deps.log.warn({ err, target: label(t) }, 'target cannot be polled');
        statuses.set(t, Promise.resolve(STATUS.unknown));
        continue;
      }
      const group = groups.get(key);
      if (group) group.push(t);
      else groups.set(key, [t]);
    }
    const skipped = new Set<string>();
    for (const [key, ts] of groups) if (this.busyDevices.has(key)) for (const t of ts) skipped.add(resourceKey(t));
    const limit = createLimiter(this.deps.concurrency);
    let devices = 0;
    for (const [key, all] of groups) {
      if (this.busyDevices.has(key)) continue;
      const ts = all.filter((t) => !skipped.has(resourceKey(t)));
      if (ts.length === 0) continue;
      devices++;
      this.busyDevices.add(key);
      const checked = limit(() => this.deps.probe.check(ts.map((t) => t.properties)))
        .catch((err: unknown) => {
          this.deps.log.warn({ err, targets: ts.map(label) }, 'probe failed');
          return ts.map(() => STATUS.unknown);
        })
        .finally(() => this.busyDevices.delete(key));
      ts.forEach((t, i) => statuses.set(t, checked.then((s) => s[i] ?? STATUS.unknown)));
    }
    for (const t of due) if (skipped.has(resourceKey(t))) statuses.delete(t);
    return { statuses, devices };
  }

  /** The resource's new value, or undefined when every status is still held. */
  private merge(ts: Target[], polled: string[], before: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    const now = Date.now();
    const value: Record<string, unknown> = {};
    const order = ts.map((t, i) => ({ t, status: polled[i]! })).sort((a, b) => a.t.item.localeCompare(b.t.item));
    for (const { t, status } of order) {
      const written = before?.version === t.version && before[t.item] !== undefined;
      if (holdAllows(this.holdOf(t), t.item, status, now - t.registered_at_ms, written)) value[t.item] = status;
      else this.deps.log.debug({ target: label(t), status }, 'hold time not passed: status not written');
    }
    if (Object.keys(value).length === 0) return undefined;
    value.version = Math.max(...ts.map((t) => t.version));
    return value;
  }

  private holdOf(t: Target): HoldOptions {
    try {
      return holdOptionsOf(t.properties);
    } catch (err) {
      this.deps.log.warn({ err, target: label(t) }, 'hold_options unreadable: no hold');
      return { positive_status: [], time_seconds: 0 };
    }
  }

  private async announce(t: Target, value: Record<string, unknown>): Promise<void> {
    const { version, ...status } = value;
    this.deps.log.info({ resource: `${t.plural}/${t.resource_id}`, status, version }, 'monitoring changed');
    await this.deps.publisher.publish(
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

const label = (t: Target): string => `${t.plural}/${t.resource_id}/${t.item}`;
const resourceKey = (t: Target): string => monitoringKey(t.plural, t.resource_id);

/** True when `p` has not settled within `ms`. */
async function raceTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
  });
  try {
    return await Promise.race([p.then(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

function groupBy<T>(items: T[], keyOf: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = keyOf(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

function parseValue(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function sameJson(raw: string | undefined, value: Record<string, unknown>): boolean {
  const before = parseValue(raw);
  return before !== undefined && JSON.stringify(before) === JSON.stringify(value);
}
