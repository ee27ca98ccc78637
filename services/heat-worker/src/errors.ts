/**
 * Errors of the heat-worker. `retryable` tells run-heat-job whether to ask for another
 * delivery (RetryableError) or to end the job as failed now.
 */
import { ClassifiedError } from '@esi/errors';

/** The job cannot run as given: template missing or not rendering, a bad parameter. */
export class BadJobInputError extends ClassifiedError {
  readonly retryable = false;
}

/** The backend refused the stack as invalid (Heat 400); the message is the backend's. */
export class StackRefusedError extends ClassifiedError {
  readonly retryable = false;
}

/** Another operation holds the stack; a later attempt will find it at rest. */
export class StackBusyError extends ClassifiedError {
  readonly retryable = true;
}

/** The stack failed for a reason a repeat may cure; carries the failed status and reason. */
export class TransientStackFailure extends ClassifiedError {
  readonly retryable = true;
  constructor(
    readonly status: string,
    readonly reason: string,
  ) {
    super(`${status}: ${reason}`);
  }
}
