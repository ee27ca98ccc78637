/**
 * Creates a durable pull consumer, or brings an existing one to the settings asked for
 * (its ack wait and how many messages it may hold unacknowledged), while a JetStream
 * cluster settles.
 */
import { AckPolicy, DeliverPolicy, type Consumer } from '@nats-io/jetstream';
import type { Messaging } from './connection.js';
import { isConsumerNotFound } from './errors.js';
import { whileJetStreamSettles } from './streams.js';

export interface DurableSettings {
  stream: string;
  durable: string;
  /** Subject filter, with the stream prefix. */
  filterSubject: string;
  maxAckPending: number;
  ackWaitSeconds: number;
}

export async function ensureDurable(m: Messaging, s: DurableSettings): Promise<Consumer> {
  const ackWait = s.ackWaitSeconds * 1_000_000_000;
  await whileJetStreamSettles(async () => {
    try {
      await m.jsm.consumers.info(s.stream, s.durable);
      await m.jsm.consumers.update(s.stream, s.durable, { max_ack_pending: s.maxAckPending, ack_wait: ackWait });
    } catch (err) {
      if (!isConsumerNotFound(err)) throw err;
      await m.jsm.consumers.add(s.stream, {
        durable_name: s.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: s.filterSubject,
        max_ack_pending: s.maxAckPending,
        ack_wait: ackWait,
      });
    }
  });
  // Also a JetStream API call: right after a cluster starts (or loses a node) it too can
  // meet "JetStream system temporarily unavailable" (found by the cluster test).
  return whileJetStreamSettles(() => m.js.consumers.get(s.stream, s.durable));
}
