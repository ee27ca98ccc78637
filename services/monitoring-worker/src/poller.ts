/**
 * Polls every registered target and writes /monitoring/v2.0/<plural>/<id> only when a
 * resource's merged status changes ({<item>: <status>, ..., "version": n}); a key whose
 * resource has no target left is deleted.
 */
import { KEY_PREFIX, monitoringKey, monitoringSubject, parseResourceKey, events } from '@esi/contracts';
import type { Publisher } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { Probe } from './probe.js';
import { allTargets, type Target } from './targets.js';

export interface PollerDeps {
  store: OwnedStore;
  publisher: Publisher;
  probe: Probe;
  log: Logger;
  intervalMs: number;
  concurrency: number;
}

export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: PollerDeps) {}

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.running = this.pollOnce()
        .catch((err) => this.deps.log.warn({ err }, 'poll cycle failed'))
        .finally(() => {
          // Jitter spreads device load when many workers poll.
          if (!this.stopped) this.timer = setTimeout(tick, this.deps.intervalMs * (0.9 + Math.random() * 0.2));
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  async pollOnce(): Promise<void> {
    const targets = await allTargets(this.deps.store);
    const byResource = new Map<string, Target[]>();
    for (const t of targets) {
      const key = monitoringKey(t.plural, t.resource_id);
      byResource.set(key, [...(byResource.get(key) ?? []), t]);
    }
    const current = await this.deps.store.getPrefix(KEY_PREFIX.monitoring);

    const statuses = await mapLimit(targets, this.deps.concurrency, async (t) => {
      try {
        return await this.deps.probe.check(t.properties);
      } catch (err) {
        this.deps.log.warn({ err, target: `${t.plural}/${t.resource_id}/${t.item}` }, 'probe failed');
        return 'UNREACHABLE';
      }
    });
    const statusOf = new Map(targets.map((t, i) => [t, statuses[i]!]));

    for (const [key, ts] of byResource) {
      const value: Record<string, unknown> = {};
      for (const t of ts.sort((a, b) => a.item.localeCompare(b.item))) value[t.item] = statusOf.get(t);
      value.version = Math.max(...ts.map((t) => t.version));
      const before = current.get(key);
      if (before !== undefined && sameJson(before, value)) continue;
      await this.deps.store.putJson(key, value);
      const first = ts[0]!;
      await this.announce(first.resource_type, first.resource_id, value);
    }
    for (const key of current.keys()) {
      if (byResource.has(key)) continue;
      await this.deps.store.delete(key);
      const parsed = parseResourceKey(KEY_PREFIX.monitoring, key);
      if (parsed) this.deps.log.info({ key }, 'monitoring removed: no targets left');
    }
  }

  private async announce(type: string, id: string, value: Record<string, unknown>): Promise<void> {
    const { version, ...status } = value;
    await this.deps.publisher.publish(
      monitoringSubject(type, id),
      events.MonitoringChanged.encode({
        resourceType: type,
        resourceId: id,
        version: Number(version),
        status,
        changedAtMs: Date.now(),
      }).finish(),
      `monitoring:${type}:${id}:${Date.now()}`,
    );
  }
}

function sameJson(raw: string, value: Record<string, unknown>): boolean {
  try {
    return JSON.stringify(JSON.parse(raw)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}
