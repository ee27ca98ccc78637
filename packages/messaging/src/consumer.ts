/**
 * The one edge where a handler's outcome becomes ack, nak-with-delay or term. Handlers
 * only return or throw; errors carry `retryable` (errors.ts).
 */
import { SpanKind, SpanStatusCode, context, trace, type Tracer } from '@opentelemetry/api';
import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from '@esi/telemetry';
import type { Messaging } from './connection.js';
import { backoffMs } from './backoff.js';
import { isRetryable } from './errors.js';
import { prefixedSubject, streamName } from './streams.js';
import { extractTraceContext } from './trace-headers.js';
import type { StreamSpec } from '@esi/contracts';

export interface MessageMeta {
  subject: string;
  /** 1 on first delivery. */
  deliveryCount: number;
  streamSequence: number;
}

export interface ConsumerSpec<T> {
  stream: StreamSpec;
  durable: string;
  /** Subject filter without the stream prefix. */
  filterSubject: string;
  decode: (data: Uint8Array) => T;
  handle: (msg: T, meta: MessageMeta) => Promise<void>;
  /** Messages handled at once; 1 keeps stream order. */
  concurrency?: number;
  /** Seconds before an unacknowledged message is redelivered. */
  ackWaitSeconds?: number;
  /** Span name; defaults to "process <filter>". */
  spanName?: string;
}

export interface RunningConsumer {
  /** Stops pulling, waits for in-flight handlers. */
  stop(): Promise<void>;
}

export async function startConsumer<T>(
  m: Messaging,
  spec: ConsumerSpec<T>,
  deps: { tracer: Tracer; log: Logger; prefix: string },
): Promise<RunningConsumer> {
  const stream = streamName(spec.stream, deps.prefix);
  const durable = `${deps.prefix}${spec.durable}`;
  const concurrency = spec.concurrency ?? 1;
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: prefixedSubject(spec.filterSubject, deps.prefix),
    max_ack_pending: Math.max(concurrency * 4, 16),
    ack_wait: (spec.ackWaitSeconds ?? 60) * 1_000_000_000,
  };
  try {
    await m.jsm.consumers.info(stream, durable);
    await m.jsm.consumers.update(stream, durable, { max_ack_pending: config.max_ack_pending, ack_wait: config.ack_wait });
  } catch {
    await m.jsm.consumers.add(stream, config);
  }
  const consumer = await m.js.consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: Math.max(concurrency * 2, 8) });
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  const handleOne = async (msg: JsMsg): Promise<void> => {
    const parent = extractTraceContext(msg.headers);
    const span = deps.tracer.startSpan(
      spec.spanName ?? `process ${spec.filterSubject}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.operation.type': 'process',
          'messaging.destination.name': msg.subject,
          'messaging.consumer.group.name': durable,
          'messaging.message.delivery_count': msg.info.deliveryCount,
        },
      },
      parent,
    );
    await context.with(trace.setSpan(parent, span), async () => {
      let decoded: T;
      try {
        decoded = spec.decode(msg.data);
      } catch (err) {
        // A message that cannot be decoded never becomes decodable: drop it, loudly.
        deps.log.error({ err, subject: msg.subject, seq: msg.seq }, 'undecodable message terminated');
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'undecodable' });
        // No reason on +TERM: nats-server 2.9 ignores a term that carries one and keeps
        // the message pending (found by messaging.test.ts); the reason is in the log.
        msg.term();
        span.end();
        return;
      }
      try {
        await spec.handle(decoded, {
          subject: msg.subject,
          deliveryCount: msg.info.deliveryCount,
          streamSequence: msg.info.streamSequence,
        });
        msg.ack();
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        if (isRetryable(err)) {
          const delay = backoffMs(msg.info.deliveryCount);
          deps.log.warn({ err, subject: msg.subject, delivery: msg.info.deliveryCount, delay }, 'handler failed; will retry');
          msg.nak(delay);
        } else {
          deps.log.error({ err, subject: msg.subject }, 'handler failed permanently; message terminated');
          msg.term();
        }
      } finally {
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
      await messages.close();
      await loop.catch(() => undefined);
      await Promise.allSettled([...inFlight]);
    },
  };
}
