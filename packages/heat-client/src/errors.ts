/**
 * Errors of the OpenStack client. Each says whether repeating the same request could
 * help (`retryable`); the caller (the heat-worker) decides what to do with that.
 */
export abstract class OpenStackError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Keystone refused the password authentication, or failed while asked. */
export class KeystoneAuthError extends OpenStackError {
  override readonly name = 'KeystoneAuthError';
  readonly retryable: boolean;
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    // Bad credentials stay bad; a Keystone that is down or overloaded may come back.
    this.retryable = status >= 500 || status === 429;
  }
}

/** The token's service catalog offers no orchestration endpoint for the interface/region asked for. */
export class EndpointNotFoundError extends OpenStackError {
  override readonly name = 'EndpointNotFoundError';
  readonly retryable = false;
}

/** Heat answered with an error status. `type` is Heat's error type (e.g. `StackValidationFailed`). */
export class HeatApiError extends OpenStackError {
  override readonly name = 'HeatApiError';
  readonly retryable: boolean;
  /**
   * @param detail Heat's own message (`error.message`), e.g. "The Parameter (x) was not provided."
   * @param where  the request, e.g. "POST /stacks"
   */
  constructor(
    readonly status: number,
    readonly type: string,
    readonly detail: string,
    where: string,
    options?: { cause?: unknown },
  ) {
    super(`Heat ${where}: ${status}${type ? ` ${type}` : ''}: ${detail}`, options);
    // 4xx describe the request (bad template, conflict) and repeat identically; 5xx and
    // 429 describe the server's moment.
    this.retryable = status >= 500 || status === 429;
  }
}

/** No answer at all: connection refused or reset, DNS, or the request timed out. */
export class TransportError extends OpenStackError {
  override readonly name = 'TransportError';
  readonly retryable = true;
}

/** A stack was still not settled when the caller's deadline passed. */
export class StackWaitTimeoutError extends OpenStackError {
  override readonly name = 'StackWaitTimeoutError';
  readonly retryable = false;
  constructor(
    readonly stackName: string,
    readonly lastStatus: string,
    readonly waitedMs: number,
  ) {
    super(`Stack ${stackName} still ${lastStatus} after ${Math.round(waitedMs)} ms`);
  }
}

/** Whether a thrown value says repeating could help (unknown errors: no). */
export function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}
