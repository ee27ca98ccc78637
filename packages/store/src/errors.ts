export class OwnershipViolationError extends Error {
  override readonly name = 'OwnershipViolationError';
  readonly retryable = false;
  constructor(owner: string, key: string) {
    super(`${owner} may not write ${key}: it lies outside its slice of the etcd keyspace`);
  }
}

/** etcd could not be reached or timed out; retrying later can help. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Classifies a failed etcd call: unavailability becomes StoreUnavailableError (an outage, retried). */
export async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const name = (err as Error)?.name ?? '';
    // The etcd client's circuit breaker ("Execution prevented …") is open while it fails
    // over from a dead member: that is unavailability too.
    if (/Unavailable|Timeout|Deadline|GRPC|Connect|BrokenCircuit|Execution prevented|lost connection/i.test(name + String((err as Error)?.message))) {
      throw new StoreUnavailableError(`etcd: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
}
