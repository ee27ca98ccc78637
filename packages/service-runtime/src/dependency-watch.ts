/**
 * Keeps ServiceHealth current about NATS and etcd, and logs each change.
 *
 * NATS says itself: the connection's status events (disconnect, reconnect, close).
 * etcd has no such events (the client reconnects per call), so a cheap Maintenance
 * Status request probes it at an interval; two failures in a row (each with a deadline)
 * mark it down, one answer marks it up again.
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
  /** Failed probes in a row before etcd counts as down: one slow answer on a busy machine is not an outage. */
  failuresBeforeDown?: number;
}

/** Probes until the returned function is called; a probe starts only after the last one ended. */
export function probeEtcd(store: OwnedStore, health: ServiceHealth, log: Logger, opts: EtcdProbeOptions = {}): () => void {
  const intervalMs = opts.intervalMs ?? 2_000;
  const timeoutMs = opts.timeoutMs ?? 1_500;
  const failuresBeforeDown = opts.failuresBeforeDown ?? 2;
  let up = true;
  let failures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const probe = async (): Promise<void> => {
    let reason = '';
    try {
      await store.status(timeoutMs);
      failures = 0;
    } catch (err) {
      failures++;
      reason = (err as Error)?.message?.slice(0, 200) || 'unreachable';
    }
    if (stopped) return;
    if (failures === 0 && !up) {
      up = true;
      log.info('etcd reachable again');
    } else if (failures >= failuresBeforeDown && up) {
      up = false;
      log.warn({ reason, failures }, 'etcd unreachable');
    }
    health.setDependency('etcd', up, up ? undefined : 'unreachable');
    timer = setTimeout(() => void probe(), intervalMs);
    timer.unref();
  };
  void probe();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
