/**
 * Errors of the stack engine. Each says whether retrying the same request could help
 * (`retryable`); only the heat-worker's messaging edge turns that into ack/nak/term.
 */
import { ClassifiedError } from '@esi/errors';

export abstract class StackEngineError extends ClassifiedError {}

/** The rendered text is not a valid HOT template (YAML, sections, resources, references). */
export class TemplateError extends StackEngineError {
  readonly retryable = false;
}

/** A parameter is missing, unknown, of the wrong type or violates a constraint. */
export class ParameterError extends StackEngineError {
  readonly retryable = false;
  constructor(
    readonly parameter: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An intrinsic function was used wrongly or could not be evaluated. */
export class IntrinsicError extends StackEngineError {
  readonly retryable = false;
}

/**
 * get_attr asked for an attribute the resource does not expose. The message is the
 * provider's own text because the recorded stacks carry it verbatim as `output_error`.
 */
export class AttributeUnavailableError extends StackEngineError {
  readonly retryable = false;
  constructor(
    readonly resource: string,
    readonly attribute: string,
    message: string,
  ) {
    super(message);
  }
}

/** Resources depend on each other in a circle; nothing could ever be created first. */
export class DependencyCycleError extends StackEngineError {
  readonly retryable = false;
  constructor(readonly cycle: readonly string[]) {
    super(`Circular Dependency Found: ${cycle.join(' -> ')}`);
  }
}

/**
 * What a provider throws when the backend refused or failed. Providers decide
 * `retryable` because only they know whether the backend error is transient.
 */
export class ProviderError extends StackEngineError {
  readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options);
    this.retryable = options?.retryable ?? false;
  }
}

/**
 * Thrown by a provider's `update` when the change cannot be applied in place (like
 * Heat's UpdateReplace): the engine then deletes the old resource and creates a new one.
 */
export class ReplacementRequired extends StackEngineError {
  readonly retryable = false;
}

/** The stack operation ran past `timeoutMins`. A later attempt may well finish in time. */
export class StackTimeoutError extends StackEngineError {
  readonly retryable = true;
}

export class StackNotFoundError extends StackEngineError {
  readonly retryable = false;
  constructor(readonly stackName: string) {
    super(`The Stack (${stackName}) could not be found.`);
  }
}

/** The stack exists in a state that does not allow the requested operation. */
export class StackConflictError extends StackEngineError {
  readonly retryable = false;
}

/** The request itself is malformed (bad stack name, bad timeout). */
export class InvalidStackRequestError extends StackEngineError {
  readonly retryable = false;
}

/** The injected StackStore failed; the operation can be repeated once it is reachable. */
export class StackStoreError extends StackEngineError {
  readonly retryable = true;
}

/** The project's one retry rule (unknown errors: retried, within the caller's attempts). */
export { isRetryable } from '@esi/errors';

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}
