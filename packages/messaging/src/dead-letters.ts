/**
 * Parking: a message that cannot be handled moves to the dead-letter stream with its
 * reason, then is terminated so it never blocks its stream. If parking itself fails the
 * message is nak'ed and parking is tried again on its next delivery.
 */
import type { JsMsg } from '@nats-io/jetstream';
import type { Tracer } from '@opentelemetry/api';
import { deadSubject, type ServiceName } from '@esi/contracts';
import type { HandleOutcome, Logger } from '@esi/telemetry';
import { backoffMs } from './backoff.js';
import type { Messaging } from './connection.js';
import { Publisher } from './publisher.js';

export class DeadLetters {
  private readonly publisher: Publisher | undefined;
  private readonly service: ServiceName | undefined;

  constructor(
    m: Messaging,
    tracer: Tracer,
    private readonly prefix: string,
    /** The stream the parked messages came from (with its prefix). */
    private readonly stream: string,
    private readonly log: Logger,
  ) {
    this.service = m.service;
    this.publisher = m.service ? new Publisher(m.js, m.service, tracer, prefix) : undefined;
  }

  /** Parks `msg`; `afterParked` runs once it is stored (workers fail the job there). */
  async park(msg: JsMsg, reason: string, afterParked?: () => Promise<void>): Promise<HandleOutcome> {
    try {
      const original = this.prefix ? msg.subject.slice(this.prefix.length + 1) : msg.subject;
      if (this.publisher && this.service) {
        await this.publisher.publish(deadSubject(this.service, original), msg.data, `dead:${this.stream}:${msg.info.streamSequence}`, {
          'Esi-Dead-Reason': reason.slice(0, 1000),
          'Esi-Original-Subject': original,
          'Esi-Original-Stream': this.stream,
          'Esi-Original-Sequence': String(msg.info.streamSequence),
          'Esi-Deliveries': String(msg.info.deliveryCount),
        });
      }
      if (afterParked) await afterParked();
    } catch (err) {
      this.log.error({ err, subject: msg.subject }, 'parking failed; will try again');
      msg.nak(backoffMs(msg.info.deliveryCount));
      return 'retry';
    }
    this.log.error({ subject: msg.subject, seq: msg.info.streamSequence, reason }, 'message parked in the dead-letter stream');
    // No reason on +TERM: nats-server 2.9 ignores a term that carries one and keeps the
    // message pending (found by messaging.test.ts); the reason is in the parked copy.
    msg.term();
    return 'parked';
  }
}
