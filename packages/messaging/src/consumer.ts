/**
 * The one edge where a handler's outcome becomes ack, nak-with-delay or term. Handlers
 * only return or throw; errors carry `retryable` (errors.ts).
 */
import { SpanStatusCode, context, trace, type Tracer } from '@opentelemetry/api';
import type { JsMsg } from '@nats-io/jetstream';
import { recordHandled, recordRedelivery, watchConsumerBacklog, type HandleOutcome, type Logger } from '@esi/telemetry';
import type { ConsumerDecl } from '@esi/contracts';
import type { Messaging } from './connection.js';
import { backoffMs } from './backoff.js';
import { DeadLetters } from './dead-letters.js';
import { ensureDurable } from './durable-consumer.js';
import { isOutage, isRetryable } from './errors.js';
import { startProcessSpan } from './process-span.js';
import { prefixedSubject, streamName } from './streams.js';
import { extractTraceContext } from './trace-headers.js';

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

export interface ConsumerDeps {
  tracer: Tracer;
  log: Logger;
  prefix: string;
  /** Used when the spec sets no ackWaitSeconds (ESI_ACK_WAIT_SECONDS). */
  ackWaitSeconds?: number;
}

/** The ack wait when neither the spec nor the service's settings give one (ESI_ACK_WAIT_SECONDS' default). */
const DEFAULT_ACK_WAIT_SECONDS = 30;
const DEFAULT_MAX_DELIVERIES = 6;

export async function startConsumer<T>(m: Messaging, spec: ConsumerSpec<T>, deps: ConsumerDeps): Promise<RunningConsumer> {
  const { stream: streamSpec, durable: durableName, filter } = spec.consumer;
  const stream = streamName(streamSpec, deps.prefix);
  const durable = `${deps.prefix}${durableName}`;
  const concurrency = spec.concurrency ?? 1;
  const ackWaitSeconds = spec.ackWaitSeconds ?? deps.ackWaitSeconds ?? DEFAULT_ACK_WAIT_SECONDS;
  const consumer = await ensureDurable(m, {
    stream,
    durable,
    filterSubject: prefixedSubject(filter, deps.prefix),
    maxAckPending: Math.max(concurrency * 4, 16),
    ackWaitSeconds,
  });
  // Metric labels leave the test prefix out, so dashboards see one name per consumer.
  const labels = { stream: streamSpec.name, consumer: durableName };
  const unwatch = watchConsumerBacklog(labels, async () => {
    const info = await m.jsm.consumers.info(stream, durable);
    return { waiting: info.num_pending, inFlight: info.num_ack_pending };
  });
  const handling = new MessageHandling(spec, deps, {
    durable,
    labels,
    ackWaitSeconds,
    spanName: spec.spanName ?? `process ${filter}`,
    deadLetters: new DeadLetters(m, deps.tracer, deps.prefix, stream, deps.log),
  });
  const messages = await consumer.consume({ max_messages: Math.max(concurrency * 2, 8) });
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  const loop = (async () => {
    for await (const msg of messages) {
      if (stopping) {
        msg.nak();
        continue;
      }
      const p = handling.handle(msg).finally(() => inFlight.delete(p));
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

interface HandlingContext {
  durable: string;
  labels: { stream: string; consumer: string };
  ackWaitSeconds: number;
  spanName: string;
  deadLetters: DeadLetters;
}

/** One message's way through: decode, handle under a span with heartbeats, then ack, retry or park. */
class MessageHandling<T> {
  private readonly maxDeliveries: number;

  constructor(
    private readonly spec: ConsumerSpec<T>,
    private readonly deps: ConsumerDeps,
    private readonly ctx: HandlingContext,
  ) {
    this.maxDeliveries = spec.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
  }

  async handle(msg: JsMsg): Promise<void> {
    const parent = extractTraceContext(msg.headers);
    const started = performance.now();
    const span = startProcessSpan(this.deps.tracer, this.ctx.spanName, msg, this.ctx.durable, parent);
    if (msg.info.deliveryCount > 1) recordRedelivery(this.ctx.labels);
    const done = (outcome: HandleOutcome): void => {
      span.setAttribute('esi.messaging.outcome', outcome);
      recordHandled(this.ctx.labels, outcome, (performance.now() - started) / 1000);
    };
    await context.with(trace.setSpan(parent, span), async () => {
      try {
        done(await this.decodeAndRun(msg, span));
      } finally {
        span.end();
      }
    });
  }

  private async decodeAndRun(msg: JsMsg, span: ReturnType<typeof startProcessSpan>): Promise<HandleOutcome> {
    let decoded: T;
    try {
      decoded = this.spec.decode(msg.data);
    } catch (err) {
      // A message that cannot be decoded never becomes decodable: park it at once.
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'undecodable' });
      return this.park(msg, undefined, `undecodable: ${(err as Error).message}`);
    }
    // While a handler works, tell the server so; ack_wait can then stay short and a
    // message held by a killed process comes back quickly.
    const heartbeat = setInterval(() => msg.working(), Math.max(500, (this.ctx.ackWaitSeconds * 1000) / 3));
    try {
      await this.spec.handle(decoded, metaOf(msg));
      msg.ack();
      return 'ack';
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      // Awaited here, so the heartbeat goes on while a failed message is parked.
      return await this.afterFailure(msg, decoded, err);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Retry with backoff while deliveries remain; an outage of etcd or NATS is not the
   * message's fault, so it is retried until the outage ends and never counts toward
   * parking. Anything else is parked.
   */
  private async afterFailure(msg: JsMsg, decoded: T, err: unknown): Promise<HandleOutcome> {
    const reason = (err as Error).message;
    if (isRetryable(err) && (msg.info.deliveryCount < this.maxDeliveries || isOutage(err))) {
      const delay = backoffMs(msg.info.deliveryCount);
      this.deps.log.warn({ err, subject: msg.subject, delivery: msg.info.deliveryCount, delay }, 'handler failed; will retry');
      msg.nak(delay);
      return 'retry';
    }
    const why = isRetryable(err) ? `failed ${msg.info.deliveryCount} times; last error: ${reason}` : reason;
    return this.park(msg, decoded, why);
  }

  private park(msg: JsMsg, decoded: T | undefined, reason: string): Promise<HandleOutcome> {
    const onParked = this.spec.onParked;
    return this.ctx.deadLetters.park(msg, reason, onParked ? () => onParked(decoded, reason, metaOf(msg)) : undefined);
  }
}

function metaOf(msg: JsMsg): MessageMeta {
  return { subject: msg.subject, deliveryCount: msg.info.deliveryCount, streamSequence: msg.info.streamSequence };
}
