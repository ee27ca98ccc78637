/**
 * Errors of the heat-worker. `retryable` tells run-heat-job whether to ask for another
 * delivery (RetryableError) or to end the job as failed now.
 */

/** The job cannot run as given: template missing or not rendering, a bad parameter. */
export class BadJobInputError extends Error {
  override readonly name = 'BadJobInputError';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The backend refused the stack as invalid (Heat 400); the message is the backend's. */
export class StackRefusedError extends Error {
  override readonly name = 'StackRefusedError';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Another operation holds the stack; a later attempt will find it at rest. */
export class StackBusyError extends Error {
  override readonly name = 'StackBusyError';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The stack failed for a reason a repeat may cure; carries the failed status and reason. */
export class TransientStackFailure extends Error {
  override readonly name = 'TransientStackFailure';
  readonly retryable = true;
  constructor(
    readonly status: string,
    readonly reason: string,
  ) {
    super(`${status}: ${reason}`);
  }
}
