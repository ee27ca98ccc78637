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
