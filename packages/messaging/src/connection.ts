import { connect, type NatsConnection } from '@nats-io/transport-node';
import { SERVICE_NAMES, type ServiceName } from '@esi/contracts';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';

export interface Messaging {
  /** The service this connection belongs to (it parks messages under its own name). */
  service: ServiceName | undefined;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/** What a NATS server with an authorization block asks for: a user and password, or a token. */
export type NatsAuth = { user: string; pass: string } | { token: string } | Record<string, never>;

/**
 * Connects and keeps reconnecting forever: services outlive NATS restarts. Credentials
 * travel only in the connect options, never in the server URLs (which are logged).
 */
export async function connectMessaging(servers: string[], name: string, auth: NatsAuth = {}): Promise<Messaging> {
  // noAsyncTraces: otherwise every request (each JetStream publish among them) builds an
  // Error to keep its caller's stack for a later failure, 1-1.5 % of a service's CPU in
  // the bench's profiles; our errors say which publish failed without it.
  const nc = await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 500, noAsyncTraces: true, ...auth });
  const jsm = await jetstreamManager(nc);
  // Tools and tests connect under other names; only services may park messages.
  const service = (SERVICE_NAMES as readonly string[]).includes(name) ? (name as ServiceName) : undefined;
  return { service, nc, js: jetstream(nc), jsm };
}
