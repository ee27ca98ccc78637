/**
 * Publishes protobuf events with a deterministic Nats-Msg-Id and the current trace
 * context; refuses subjects outside the service's slice of the registry.
 */
import { SpanKind, context, trace, type Tracer } from '@opentelemetry/api';
import type { JetStreamClient } from '@nats-io/jetstream';
import { mayPublish, type ServiceName } from '@esi/contracts';
import { PublishNotAllowedError, RetryableError } from './errors.js';
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
    const span = this.tracer.startSpan(`send ${subject.split('.').slice(0, 3).join('.')}`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'send',
        'messaging.destination.name': wire,
        'messaging.message.id': msgId,
      },
    });
    try {
      const headers = injectTraceContext(trace.setSpan(context.active(), span));
      for (const [k, v] of Object.entries(extraHeaders)) headers.set(k, v);
      const ack = await this.js.publish(wire, data, { msgID: msgId, headers });
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (err) {
      span.recordException(err as Error);
      throw new RetryableError(`publish to ${wire} failed: ${(err as Error).message}`, { cause: err });
    } finally {
      span.end();
    }
  }
}
