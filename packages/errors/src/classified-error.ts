/**
 * The base of every error that says what it is to the retry rule (retryable.ts): a
 * subclass declares `retryable` (and `outage: true` when a backend is out of reach) and
 * nothing else; its name is its class's. `outage` is not declared here, so an error
 * that wraps an outage does not hide it behind a `false` of its own.
 */
export abstract class ClassifiedError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
