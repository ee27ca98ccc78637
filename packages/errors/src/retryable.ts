/**
 * The one rule for "can trying again help?", used by every edge that decides between
 * retrying and failing: the consumers (ack / nak with delay / term), the heat-worker's
 * job loop, the stack engine's failure record and the Heat client's retry layer.
 *
 * An error says it by carrying `retryable`; a backend outage also carries
 * `outage: true` (StoreUnavailableError, MessagingUnavailableError), which consumers
 * retry past their delivery limit because the work itself is fine. Both are read
 * through `cause`, so wrapping an error does not hide what it is.
 */

/**
 * An error that says nothing is retried. Failing a job for good on a blip (a dropped
 * connection a library did not classify) loses work that only a person can restart,
 * while retrying a real fault costs a few bounded attempts (every retry loop here has a
 * limit) before it fails with the same message.
 */
export const UNKNOWN_ERRORS_ARE_RETRYABLE = true;

export function isRetryable(error: unknown): boolean {
  const said = firstFlag(error, 'retryable');
  return said ?? UNKNOWN_ERRORS_ARE_RETRYABLE;
}

/** True when the error, or one it wraps, is a backend (etcd, NATS) out of reach. */
export function isOutage(error: unknown): boolean {
  return firstFlag(error, 'outage') === true;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The first boolean `flag` along the `cause` chain (bounded: causes can form a loop). */
function firstFlag(error: unknown, flag: 'retryable' | 'outage'): boolean | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const value = (current as Record<string, unknown>)[flag];
    if (typeof value === 'boolean') return value;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
