/** The CONSUMER span of handling one message, after the messaging semantic conventions. */
import { SpanKind, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { JsMsg } from '@nats-io/jetstream';

export function startProcessSpan(tracer: Tracer, name: string, msg: JsMsg, durable: string, parent: Context): Span {
  const msgId = msg.headers?.get('Nats-Msg-Id');
  return tracer.startSpan(
    name,
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
}
