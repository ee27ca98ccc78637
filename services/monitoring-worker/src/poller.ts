/**
 * Polls every registered target and writes /monitoring/v2.0/<plural>/<id> only when a
 * resource's merged status changes (resource-value.ts), honouring hold options; a key
 * whose resource has no target left is deleted.
 *
 * Targets and /monitoring values are held in memory and followed by etcd watches
 * (target-index.ts, monitoring-values.ts), so a cycle reads nothing from etcd, and a
 * cycle merges and writes only the resources that may have changed (poll-cycle.ts).
 * Each device is checked once per cycle, at most `concurrency` at a time; a resource is
 * written as soon as its own devices have answered, and a cycle waits at most
 * maxCycleMs, so a slow or dead device delays only the resources it carries.
 */
import { monitoringKey } from '@esi/contracts';
import type { Publisher } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import { MonitoringValues } from './monitoring-values.js';
import { PollCycle, type PollerState } from './poll-cycle.js';
import type { Probe } from './probe.js';
import { TargetIndex } from './target-index.js';

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
  /** Resources whose value was computed; the others had nothing that could change it. */
  evaluated: number;
  written: number;
  deleted: number;
  /** Resources whose check or write was left to the background when the cycle ended. */
  pending: number;
  ms: number;
}

export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly background = new Set<Promise<unknown>>();
  private readonly state: PollerState;

  constructor(private readonly deps: PollerDeps) {
    const dirty = new Set<string>();
    const onChange = (resource: string): void => void dirty.add(resource);
    const targets = new TargetIndex({ store: deps.store, deviceKeyOf: (item) => deps.probe.deviceKey(item), log: deps.log, onChange });
    const values = new MonitoringValues({ store: deps.store, log: deps.log, onChange, shareKey: (key) => targets.resourceKey(key) });
    this.state = {
      store: deps.store,
      publisher: deps.publisher,
      probe: deps.probe,
      log: deps.log,
      concurrency: deps.concurrency,
      targets,
      values,
      dirty,
      busyDevices: new Set(),
      pendingResources: new Map(),
    };
  }

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
    await Promise.all([this.state.targets.close(), this.state.values.close()]);
  }

  /**
   * Whether the targets this poller follows hold none of the resource; undefined before
   * the first load and while the watch is broken.
   */
  holdsNoTargets(plural: string, resourceId: string): boolean | undefined {
    return this.state.targets.holdsNoneOf(monitoringKey(plural, resourceId));
  }

  /** Resolves when no check or write of an earlier cycle is still running. */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  async pollOnce(): Promise<PollStats> {
    const started = Date.now();
    const { targets, values } = this.state;
    // Loads targets and values at the first cycle, and again after a watch broke; targets
    // first, so the values share their key strings.
    await targets.sync();
    await values.sync();
    const cycle = new PollCycle(this.state, started, this.deps.firstPollDelayMs ?? this.deps.intervalMs);
    const done = cycle.done();
    const late = await raceTimeout(done, this.deps.maxCycleMs ?? this.deps.intervalMs);
    let pending = 0;
    if (late) {
      pending = cycle.unfinished();
      const rest = done.then(() => {
        for (const err of cycle.failures) this.deps.log.warn({ err }, 'late monitoring write failed');
      });
      this.background.add(rest);
      void rest.finally(() => this.background.delete(rest));
    } else if (cycle.failures.length > 0) {
      // Every resource has had its chance; one failed write (etcd away) fails the cycle after.
      throw cycle.failures[0];
    }
    const deleted = await this.deleteOrphans(cycle.orphans);
    return {
      targets: targets.size,
      devices: cycle.devices,
      skipped: cycle.waiting.size,
      evaluated: cycle.evaluated,
      written: cycle.written,
      deleted,
      pending,
      ms: Date.now() - started,
    };
  }

  /** Deletes /monitoring keys whose resource has no target left. */
  private async deleteOrphans(orphans: readonly string[]): Promise<number> {
    const { targets, values, dirty } = this.state;
    let deleted = 0;
    for (const key of orphans) {
      // Registered again, or deleted by another replica, since the cycle began.
      if (targets.targetsOf(key).length > 0 || !values.has(key)) continue;
      dirty.delete(key);
      const before = values.get(key);
      values.expect(key, undefined);
      try {
        await this.deps.store.delete(key);
      } catch (err) {
        values.restore(key, undefined, before);
        dirty.add(key);
        throw err;
      }
      deleted++;
      this.deps.log.info({ key }, 'monitoring removed: no targets left');
    }
    return deleted;
  }
}

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
