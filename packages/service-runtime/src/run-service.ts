/**
 * The lifecycle every service shares: parse config, connect to etcd and NATS, make sure
 * the streams exist, start, print "ready", and on SIGTERM/SIGINT stop consumers, drain
 * NATS, close etcd and flush spans before exiting. Each main.ts stays a composition root.
 */
import { commonSpec, parseConfig, type CommonConfig, type Env, type Spec } from '@esi/config';
import type { ServiceName } from '@esi/contracts';
import { connectMessaging, ensureStreams, Publisher, type Messaging } from '@esi/messaging';
import { OwnedStore } from '@esi/store';
import { createLogger, initTracing, type Logger } from '@esi/telemetry';
import type { Tracer } from '@opentelemetry/api';

export interface ServiceDeps<C> {
  config: Readonly<CommonConfig & C>;
  log: Logger;
  tracer: Tracer;
  store: OwnedStore;
  messaging: Messaging;
  publisher: Publisher;
}

export type Stop = () => Promise<void>;

export interface ServiceDefinition<C> {
  name: ServiceName;
  spec: Spec<C>;
  start(deps: ServiceDeps<C>): Promise<Stop>;
}

export async function runService<C>(def: ServiceDefinition<C>, env: Env = process.env): Promise<void> {
  const bootLog = createLogger(def.name);
  let config: Readonly<CommonConfig & C>;
  try {
    config = parseConfig({ ...commonSpec, ...def.spec } as Spec<CommonConfig & C>, env);
  } catch (err) {
    bootLog.fatal({ err }, (err as Error).message);
    process.exit(2);
  }
  const log = createLogger(def.name, config.logLevel);
  const tracing = initTracing({ serviceName: def.name, otlpEndpoint: config.otlpEndpoint });
  const store = new OwnedStore(config.etcdEndpoints, def.name);
  const messaging = await connectMessaging(config.natsServers, def.name);
  await ensureStreams(messaging.jsm, config.streamPrefix);
  const publisher = new Publisher(messaging.js, def.name, tracing.tracer, config.streamPrefix);
  const stop = await def.start({ config, log, tracer: tracing.tracer, store, messaging, publisher });
  log.info({ nats: config.natsServers, etcd: config.etcdEndpoints }, 'ready');

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await stop();
      await messaging.nc.drain();
      store.close();
      await tracing.shutdown();
    } catch (err) {
      log.error({ err }, 'error during shutdown');
    }
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** Runs several stops in reverse start order. */
export function stopAll(...stops: Stop[]): Stop {
  return async () => {
    for (const s of stops.reverse()) await s();
  };
}
