import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';

export interface Messaging {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/** Connects and keeps reconnecting forever: services outlive NATS restarts. */
export async function connectMessaging(servers: string[], name: string): Promise<Messaging> {
  const nc = await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  const jsm = await jetstreamManager(nc);
  return { nc, js: jetstream(nc), jsm };
}
