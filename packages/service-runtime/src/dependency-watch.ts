/**
 * Keeps ServiceHealth current about NATS and etcd, and logs each change.
 *
 * NATS says itself: the connection's status events (disconnect, reconnect, close).
 * etcd has no such events (the client reconnects per call), so a cheap Maintenance
 * Status request probes it at an interval, with a deadline shorter than the interval.
 */
import type { Messaging } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { ServiceHealth } from './service-health.js';

export function watchNats(nc: Messaging['nc'], health: ServiceHealth, log: Logger): void {
  health.setDependency('nats', !nc.isClosed());
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        log.warn({ nats: s.server }, 'nats disconnected');
        health.setDependency('nats', false, 'disconnected');
      } else if (s.type === 'reconnect') {
        log.info({ nats: s.server }, 'nats reconnected');
        health.setDependency('nats', true);
      } else if (s.type === 'close') {
        health.setDependency('nats', false, 'connection closed');
        return;
      }
    }
  })().catch((err: unknown) => log.error({ err }, 'nats status watch ended'));
}

export interface EtcdProbeOptions {
  intervalMs?: number;
  timeoutMs?: number;
}

/** Probes until the returned function is called. */
export function probeEtcd(client: OwnedStore['client'], health: ServiceHealth, log: Logger, opts: EtcdProbeOptions = {}): () => void {
  const intervalMs = opts.intervalMs ?? 2_000;
  const timeoutMs = opts.timeoutMs ?? Math.min(1_500, intervalMs);
  let up: boolean | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const probe = async (): Promise<void> => {
    let ok = true;
    let reason = '';
    try {
      await client.maintenance.status({ deadline: new Date(Date.now() + timeoutMs) });
    } catch (err) {
      ok = false;
      reason = (err as Error)?.message?.slice(0, 200) || 'unreachable';
    }
    if (stopped) return;
    if (ok !== up) {
      if (!ok) log.warn({ reason }, 'etcd unreachable');
      else if (up === false) log.info('etcd reachable again');
      up = ok;
    }
    health.setDependency('etcd', ok, ok ? undefined : 'unreachable');
    timer = setTimeout(() => void probe(), intervalMs);
    timer.unref();
  };
  void probe();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
