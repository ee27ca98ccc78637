/**
 * Errors say whether retrying can help; only the consumer edge turns that into
 * ack / nak-with-delay / term.
 */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class PublishNotAllowedError extends PermanentError {
  constructor(service: string, subject: string) {
    super(`${service} may not publish on ${subject} (ownership registry)`);
  }
}

/** Unknown errors (network, etcd unavailable, …) are treated as transient. */
export function isRetryable(err: unknown): boolean {
  if (err && typeof err === 'object' && 'retryable' in err) return (err as { retryable: unknown }).retryable !== false;
  return true;
}

/**
 * True for errors that say a backend (etcd, NATS) is unreachable rather than that the
 * work is wrong: etcd client unavailability, an open circuit breaker while the client
 * fails over, publish timeouts.
 */
export function isOutage(err: unknown): boolean {
  const e = err as { name?: string; message?: string; cause?: unknown } | undefined;
  if (!e) return false;
  const text = `${e.name ?? ''} ${e.message ?? ''}`;
  if (/StoreUnavailable|BrokenCircuit|Execution prevented|UNAVAILABLE|ECONNREFUSED|lost connection|jetstream is not enabled|timeout/i.test(text)) return true;
  return e.cause !== undefined && e.cause !== err ? isOutage(e.cause) : false;
}
