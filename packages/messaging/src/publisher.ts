/**
 * Publishes protobuf events with a deterministic Nats-Msg-Id and the current trace
 * context; refuses subjects outside the service's slice of the registry.
 */
import { SpanKind, SpanStatusCode, context, trace, type Tracer } from '@opentelemetry/api';
import type { JetStreamClient } from '@nats-io/jetstream';
import { mayPublish, type ServiceName } from '@esi/contracts';
import { recordPublished, subjectFamily, withChangeStart } from '@esi/telemetry';
import { MessagingUnavailableError, PublishNotAllowedError, RetryableError, isNatsOutage } from './errors.js';
import { prefixedSubject } from './streams.js';
import { injectTraceContext } from './trace-headers.js';

export interface PublishResult {
  seq: number;
  duplicate: boolean;
}

export class Publisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly service: ServiceName,
    private readonly tracer: Tracer,
    private readonly prefix = '',
  ) {}

  async publish(subject: string, data: Uint8Array, msgId: string, extraHeaders: Record<string, string> = {}): Promise<PublishResult> {
    if (!mayPublish(this.service, subject)) throw new PublishNotAllowedError(this.service, subject);
    const wire = prefixedSubject(subject, this.prefix);
    // Messaging conventions: "<operation> <destination>", the destination cut to its
    // first three tokens so ids never end up in span names or metric labels.
    const span = this.tracer.startSpan(`send ${subjectFamily(subject)}`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        'messaging.destination.name': wire,
        'messaging.message.id': msgId,
        'messaging.message.body.size': data.byteLength,
      },
    });
    try {
      // The first message of a flow stamps when its change began (change-clock.ts).
      const headers = injectTraceContext(withChangeStart(trace.setSpan(context.active(), span)));
      for (const [k, v] of Object.entries(extraHeaders)) headers.set(k, v);
      const ack = await this.js.publish(wire, data, { msgID: msgId, headers });
      recordPublished(subject, ack.duplicate ? 'duplicate' : 'stored');
      if (ack.duplicate) span.setAttribute('esi.messaging.duplicate', true);
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (err) {
      recordPublished(subject, 'failed');
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      const message = `publish to ${wire} failed: ${(err as Error).message}`;
      // Any failed publish may be repeated (the message id makes a repeat harmless); one
      // that met an outage is also retried past the consumer's delivery limit.
      throw isNatsOutage(err) ? new MessagingUnavailableError(message, { cause: err }) : new RetryableError(message, { cause: err });
    } finally {
      span.end();
    }
  }
}
