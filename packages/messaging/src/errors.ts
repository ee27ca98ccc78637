/**
 * Errors say whether retrying can help; only the consumer edge turns that into
 * ack / nak-with-delay / term. The rule and its default are @esi/errors'; this file
 * sorts nats.js's own errors into it by their classes and JetStream's error codes.
 */
import { JetStreamApiError } from '@nats-io/jetstream';
import { ClosedConnectionError, ConnectionError, DrainingConnectionError, RequestError, TimeoutError } from '@nats-io/transport-node';

import { ClassifiedError } from '@esi/errors';

export { isOutage, isRetryable } from '@esi/errors';

export class RetryableError extends ClassifiedError {
  readonly retryable = true;
}

export class PermanentError extends ClassifiedError {
  readonly retryable = false;
}

/** NATS or JetStream could not be reached or could not answer: retried until it can. */
export class MessagingUnavailableError extends ClassifiedError {
  readonly retryable = true;
  readonly outage = true;
}

export class PublishNotAllowedError extends PermanentError {
  constructor(service: string, subject: string) {
    super(`${service} may not publish on ${subject} (ownership registry)`);
  }
}

/**
 * JetStream API error codes (nats-server's errors.json) this code acts on; nats.js names
 * only some of them (JetStreamApiCodes).
 */
export const JS_CODES = Object.freeze({
  clusterIncomplete: 10004,
  clusterNoPeers: 10005,
  clusterNotAvailable: 10008,
  clusterNotLeader: 10009,
  consumerNotFound: 10014,
  insufficientResources: 10023,
  streamNameInUse: 10058,
  streamNotFound: 10059,
});

const jsCode = (err: unknown): number | undefined => (err instanceof JetStreamApiError ? err.code : undefined);

export const isStreamNotFound = (err: unknown): boolean => jsCode(err) === JS_CODES.streamNotFound;
export const isConsumerNotFound = (err: unknown): boolean => jsCode(err) === JS_CODES.consumerNotFound;
export const isStreamNameInUse = (err: unknown): boolean => jsCode(err) === JS_CODES.streamNameInUse;

/**
 * The client lost the server, or the request found no one to answer it in time (a
 * stream whose leader is gone answers nobody: nats.js reports that as
 * "jetstream is not enabled" with a no-responders RequestError as its cause).
 */
export function isNatsOutage(err: unknown): boolean {
  return (
    err instanceof TimeoutError ||
    err instanceof ConnectionError ||
    err instanceof ClosedConnectionError ||
    err instanceof DrainingConnectionError ||
    noResponders(err) ||
    (err instanceof Error && noResponders(err.cause)) ||
    isJetStreamSettling(err)
  );
}

/**
 * A cluster still electing its leaders, or one that lost a node, answers admin calls
 * with these until it settles; a single server may time out while it starts.
 */
export function isJetStreamSettling(err: unknown): boolean {
  const code = jsCode(err);
  if (code !== undefined) {
    return (
      code === JS_CODES.clusterIncomplete ||
      code === JS_CODES.clusterNoPeers ||
      code === JS_CODES.clusterNotAvailable ||
      code === JS_CODES.clusterNotLeader ||
      code === JS_CODES.insufficientResources
    );
  }
  return err instanceof TimeoutError || noResponders(err) || (err instanceof Error && noResponders(err.cause));
}

const noResponders = (err: unknown): boolean => err instanceof RequestError && err.isNoResponders();
