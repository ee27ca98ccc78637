/**
 * The lifecycle every service shares: parse config, serve metrics and health, connect
 * to etcd and NATS, make sure the streams exist, start, print "ready", and on
 * SIGTERM/SIGINT stop consumers, drain NATS, close etcd and flush spans before exiting.
 * Each main.ts stays a composition root.
 */
import { commonChecks, commonSpec, mergeSpecs, parseConfig, parsers, type Check, type CommonConfig, type Env, type Spec } from '@esi/config';
import type { ServiceName } from '@esi/contracts';
import { connectMessaging, ensureStreams, Publisher, type Messaging, type NatsAuth } from '@esi/messaging';
import { OwnedStore } from '@esi/store';
import { createLogger, initMetrics, initTracing, type Logger } from '@esi/telemetry';
import type { Tracer } from '@opentelemetry/api';
import { armFaults, parseFaultSpecs, type FaultSpec } from './fault-point.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { probeEtcd, watchNats } from './dependency-watch.js';
import { ServiceHealth } from './service-health.js';

/** Settings the runtime itself reads, beside the shared ones. */
interface RuntimeConfig {
  metricsAddr: string;
  healthProbeMs: number;
  etcdDirectKv: boolean;
  faults: FaultSpec[];
  faultState: string;
}

const runtimeSpec: Spec<RuntimeConfig> = {
  metricsAddr: {
    env: 'ESI_METRICS_ADDR',
    default: '',
    parse: parsers.hostPort,
    doc: 'host:port for GET /metrics and /healthz (port 0: any free port); unset: not served',
  },
  healthProbeMs: {
    env: 'ESI_HEALTH_PROBE_MS',
    default: 2_000,
    parse: parsers.int(100, 60_000),
    doc: 'how often etcd is probed for /healthz and gRPC health (NATS reports its own connection changes)',
  },
  etcdDirectKv: {
    env: 'ESI_ETCD_DIRECT_KV',
    default: true,
    parse: parsers.bool,
    doc: "etcd's range, put, delete and transaction requests over HTTP/2 directly, through etcd3 only when that fails (@esi/store direct/); false: always through etcd3",
  },
  faults: {
    env: 'ESI_FAULT',
    default: [],
    parse: parseFaultSpecs,
    doc: 'test only: <point>[.<action>]:<service>:<n>,... kills the service at the n-th pass of a point (fault-point.ts)',
  },
  faultState: { env: 'ESI_FAULT_STATE', default: '', parse: parsers.string, doc: 'test only: file recording the faults that fired (each fires once)' },
};

export interface ServiceDeps<C> {
  config: Readonly<CommonConfig & C>;
  log: Logger;
  tracer: Tracer;
  store: OwnedStore;
  messaging: Messaging;
  publisher: Publisher;
  /** Ready, and NATS and etcd reachable: the api's gRPC health service follows it. */
  health: ServiceHealth;
}

export type Stop = () => Promise<void>;

export interface ServiceDefinition<C> {
  name: ServiceName;
  spec: Spec<C>;
  /** Rules across the service's settings (e.g. a client CA needs a server certificate). */
  checks?: Check<CommonConfig & C>[];
  start(deps: ServiceDeps<C>): Promise<Stop>;
}

export async function runService<C>(def: ServiceDefinition<C>, env: Env = process.env): Promise<void> {
  const bootLog = createLogger(def.name);
  let config: Readonly<CommonConfig & C>;
  try {
    config = parseConfig(mergeSpecs(commonSpec, runtimeSpec, def.spec), env, [...commonChecks, ...(def.checks ?? [])]);
  } catch (err) {
    // The message only: the problems were written not to show secret values, and the
    // error object has nothing more a reader needs.
    bootLog.fatal((err as Error).message);
    process.exit(2);
  }
  const log = createLogger(def.name, config.logLevel);
  const tracing = initTracing({ serviceName: def.name, otlpEndpoint: config.otlpEndpoint });
  initMetrics(def.name);
  const { metricsAddr, healthProbeMs, etcdDirectKv, faults, faultState } = config as unknown as RuntimeConfig;
  armFaults(faults, def.name, faultState);
  const health = new ServiceHealth();
  health.onChange((serving) => {
    if (serving) log.info('health: SERVING');
    else log.warn({ reason: health.describe() }, 'health: NOT_SERVING');
  });
  // Served before connecting, so a health check sees "not ready" rather than nothing.
  const metrics: MetricsServer | undefined = metricsAddr ? await startMetricsServer(metricsAddr, health) : undefined;
  const store = new OwnedStore(config.etcdEndpoints, def.name, {
    directKv: etcdDirectKv,
    onDirectFallback: (err, endpoint) => log.warn({ err, endpoint }, 'etcd: a direct request failed and went through etcd3; direct requests pause a few seconds'),
  });
  const stopEtcdProbe = probeEtcd(store, health, log, { intervalMs: healthProbeMs });
  const messaging = await connectMessaging(config.natsServers, def.name, natsAuthOf(config));
  watchNats(messaging.nc, health, log);
  await ensureStreams(messaging.jsm, config.streamPrefix, config.streamReplicas, {
    maxAgeHours: config.streamMaxAgeHours,
    maxMessages: config.streamMaxMessages,
    maxMegabytes: config.streamMaxMegabytes,
  });
  const publisher = new Publisher(messaging.js, def.name, tracing.tracer, config.streamPrefix);
  const stop = await def.start({ config, log, tracer: tracing.tracer, store, messaging, publisher, health });
  health.setReady(true);
  log.info({ nats: config.natsServers, etcd: config.etcdEndpoints, ...(metrics ? { metrics: metrics.url } : {}) }, 'ready');
  // Lines go out in batches (@esi/telemetry): the start-up lines reach stdout before the
  // parent hears of readiness.
  log.flush();
  // A supervising parent (the local stack) learns readiness over IPC, whatever LOG_LEVEL hides.
  process.send?.({ esi: 'ready', service: def.name, metrics: metrics?.url });

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    health.setReady(false);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await stop();
      stopEtcdProbe();
      await messaging.nc.drain();
      store.close();
      await tracing.shutdown();
      await metrics?.close();
    } catch (err) {
      log.error({ err }, 'error during shutdown');
    }
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // Started by a launcher over IPC (the local stack runs each service in a process group
  // of its own): when the launcher is gone, however it went, nobody will stop us.
  if (process.connected) process.on('disconnect', () => void shutdown('launcher gone'));
}

function natsAuthOf(c: CommonConfig): NatsAuth {
  if (c.natsToken) return { token: c.natsToken };
  if (c.natsUser) return { user: c.natsUser, pass: c.natsPassword };
  return {};
}

/** Runs several stops in reverse start order. */
export function stopAll(...stops: Stop[]): Stop {
  return async () => {
    for (const s of stops.reverse()) await s();
  };
}
