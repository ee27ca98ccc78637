/**
 * The one edge where a handler's outcome becomes ack, nak-with-delay or term. Handlers
 * only return or throw; errors carry `retryable` (errors.ts).
 */
import { SpanKind, SpanStatusCode, context, trace, type Tracer } from '@opentelemetry/api';
import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { recordHandled, recordRedelivery, watchConsumerBacklog, type HandleOutcome, type Logger } from '@esi/telemetry';
import type { Messaging } from './connection.js';
import { backoffMs } from './backoff.js';
import { isConsumerNotFound, isOutage, isRetryable } from './errors.js';
import { Publisher } from './publisher.js';
import { prefixedSubject, streamName, whileJetStreamSettles } from './streams.js';
import { extractTraceContext } from './trace-headers.js';
import { deadSubject, type ConsumerDecl } from '@esi/contracts';

export interface MessageMeta {
  subject: string;
  /** 1 on first delivery. */
  deliveryCount: number;
  streamSequence: number;
}

export interface ConsumerSpec<T> {
  /** Which durable on which stream, as the ownership registry declares it (OWNERSHIP[service].consumes). */
  consumer: ConsumerDecl;
  decode: (data: Uint8Array) => T;
  handle: (msg: T, meta: MessageMeta) => Promise<void>;
  /** Messages handled at once; 1 keeps stream order. */
  concurrency?: number;
  /** Seconds before an unacknowledged message is redelivered (handlers send heartbeats). */
  ackWaitSeconds?: number;
  /** Span name; defaults to "process <filter>". */
  spanName?: string;
  /** Deliveries of a message that keeps failing before it is parked (default 6). */
  maxDeliveries?: number;
  /**
   * Called after a message was parked, with the decoded message when it could be
   * decoded: workers use it to fail the job so the resource's state shows the reason.
   */
  onParked?: (msg: T | undefined, reason: string, meta: MessageMeta) => Promise<void>;
}

export interface RunningConsumer {
  /** Stops pulling, waits for in-flight handlers. */
  stop(): Promise<void>;
}

export async function startConsumer<T>(
  m: Messaging,
  spec: ConsumerSpec<T>,
  deps: { tracer: Tracer; log: Logger; prefix: string; ackWaitSeconds?: number },
): Promise<RunningConsumer> {
  const { stream: streamSpec, durable: durableName, filter } = spec.consumer;
  const stream = streamName(streamSpec, deps.prefix);
  const durable = `${deps.prefix}${durableName}`;
  const concurrency = spec.concurrency ?? 1;
  const ackWaitSeconds = spec.ackWaitSeconds ?? deps.ackWaitSeconds ?? 30;
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: prefixedSubject(filter, deps.prefix),
    max_ack_pending: Math.max(concurrency * 4, 16),
    ack_wait: ackWaitSeconds * 1_000_000_000,
  };
  await whileJetStreamSettles(async () => {
    try {
      await m.jsm.consumers.info(stream, durable);
      await m.jsm.consumers.update(stream, durable, { max_ack_pending: config.max_ack_pending, ack_wait: config.ack_wait });
    } catch (err) {
      if (!isConsumerNotFound(err)) throw err;
      await m.jsm.consumers.add(stream, config);
    }
  });
  // Also a JetStream API call: right after a cluster starts (or loses a node) it too can
  // meet "JetStream system temporarily unavailable" (found by the cluster test).
  const consumer = await whileJetStreamSettles(() => m.js.consumers.get(stream, durable));
  // Metric labels leave the test prefix out, so dashboards see one name per consumer.
  const labels = { stream: streamSpec.name, consumer: durableName };
  const unwatch = watchConsumerBacklog(labels, async () => {
    const info = await m.jsm.consumers.info(stream, durable);
    return { waiting: info.num_pending, inFlight: info.num_ack_pending };
  });
  const messages = await consumer.consume({ max_messages: Math.max(concurrency * 2, 8) });
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  const maxDeliveries = spec.maxDeliveries ?? 6;
  const deadLetters = m.service ? new Publisher(m.js, m.service, deps.tracer, deps.prefix) : undefined;

  /**
   * Moves a message to the dead-letter stream with its reason, then terminates it so it
   * never blocks its stream. If parking itself fails the message is nak'ed and parking
   * is tried again on the next delivery.
   */
  const park = async (msg: JsMsg, decoded: T | undefined, reason: string): Promise<HandleOutcome> => {
    const meta: MessageMeta = { subject: msg.subject, deliveryCount: msg.info.deliveryCount, streamSequence: msg.info.streamSequence };
    try {
      const original = deps.prefix ? msg.subject.slice(deps.prefix.length + 1) : msg.subject;
      if (deadLetters && m.service) await deadLetters.publish(deadSubject(m.service, original), msg.data, `dead:${stream}:${msg.info.streamSequence}`, {
        'Esi-Dead-Reason': reason.slice(0, 1000),
        'Esi-Original-Subject': original,
        'Esi-Original-Stream': stream,
        'Esi-Original-Sequence': String(msg.info.streamSequence),
        'Esi-Deliveries': String(msg.info.deliveryCount),
      });
      if (spec.onParked) await spec.onParked(decoded, reason, meta);
    } catch (err) {
      deps.log.error({ err, subject: msg.subject }, 'parking failed; will try again');
      msg.nak(backoffMs(msg.info.deliveryCount));
      return 'retry';
    }
    deps.log.error({ subject: msg.subject, seq: msg.info.streamSequence, reason }, 'message parked in the dead-letter stream');
    // No reason on +TERM: nats-server 2.9 ignores a term that carries one and keeps the
    // message pending (found by messaging.test.ts); the reason is in the parked copy.
    msg.term();
    return 'parked';
  };

  const handleOne = async (msg: JsMsg): Promise<void> => {
    const parent = extractTraceContext(msg.headers);
    const started = performance.now();
    const msgId = msg.headers?.get('Nats-Msg-Id');
    const span = deps.tracer.startSpan(
      spec.spanName ?? `process ${filter}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.destination.name': msg.subject,
          'messaging.destination.subscription.name': durable,
          'messaging.consumer.group.name': durable,
          // Not a messaging semantic convention (only some systems define one), so under esi.*.
          'esi.messaging.delivery_count': msg.info.deliveryCount,
          'messaging.message.body.size': msg.data.byteLength,
          ...(msgId ? { 'messaging.message.id': msgId } : {}),
        },
      },
      parent,
    );
    if (msg.info.deliveryCount > 1) recordRedelivery(labels);
    const done = (outcome: HandleOutcome): void => {
      span.setAttribute('esi.messaging.outcome', outcome);
      recordHandled(labels, outcome, (performance.now() - started) / 1000);
    };
    await context.with(trace.setSpan(parent, span), async () => {
      let decoded: T;
      try {
        decoded = spec.decode(msg.data);
      } catch (err) {
        // A message that cannot be decoded never becomes decodable: park it at once.
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'undecodable' });
        done(await park(msg, undefined, `undecodable: ${(err as Error).message}`));
        span.end();
        return;
      }
      // While a handler works, tell the server so; ack_wait can then stay short and a
      // message held by a killed process comes back quickly.
      const heartbeat = setInterval(() => msg.working(), Math.max(500, (ackWaitSeconds * 1000) / 3));
      try {
        await spec.handle(decoded, {
          subject: msg.subject,
          deliveryCount: msg.info.deliveryCount,
          streamSequence: msg.info.streamSequence,
        });
        msg.ack();
        done('ack');
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        const reason = (err as Error).message;
        // An outage of etcd or NATS is not the message's fault: it is retried until the
        // outage ends and never counts toward parking.
        if (isRetryable(err) && (msg.info.deliveryCount < maxDeliveries || isOutage(err))) {
          const delay = backoffMs(msg.info.deliveryCount);
          deps.log.warn({ err, subject: msg.subject, delivery: msg.info.deliveryCount, delay }, 'handler failed; will retry');
          msg.nak(delay);
          done('retry');
        } else {
          const why = isRetryable(err) ? `failed ${msg.info.deliveryCount} times; last error: ${reason}` : reason;
          done(await park(msg, decoded, why));
        }
      } finally {
        clearInterval(heartbeat);
        span.end();
      }
    });
  };

  const loop = (async () => {
    for await (const msg of messages) {
      if (stopping) {
        msg.nak();
        continue;
      }
      const p = handleOne(msg).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  })();

  return {
    async stop() {
      stopping = true;
      unwatch();
      await messages.close();
      await loop.catch(() => undefined);
      await Promise.allSettled([...inFlight]);
    },
  };
}
