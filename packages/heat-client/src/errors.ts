/**
 * Errors of the OpenStack client. Each says whether repeating the same request could
 * help (`retryable`); the caller (the heat-worker) decides what to do with that. Heat's
 * errors also carry the decision of heat-error-policy.ts and the request id Heat logged
 * the request under (`x-openstack-request-id`), so an operator can find it in Heat's logs.
 */
import { ClassifiedError } from '@esi/errors';
import { heatErrorDecision, type HeatDecision } from './heat-error-policy.js';

export abstract class OpenStackError extends ClassifiedError {
  /** How long the server asked us to wait (Retry-After), if it said. */
  readonly retryAfterMs: number | undefined;
  /** `x-openstack-request-id` of the answer, when there was one. */
  readonly requestId: string | undefined;
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number; requestId?: string }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
    this.requestId = options?.requestId;
  }
}

interface AnswerInfo {
  cause?: unknown;
  retryAfterMs?: number;
  requestId?: string;
}

/** Keystone refused the password authentication, or failed while asked. */
export class KeystoneAuthError extends OpenStackError {
  readonly retryable: boolean;
  constructor(
    readonly status: number,
    message: string,
    options?: AnswerInfo,
  ) {
    super(options?.requestId ? `${message} [${options.requestId}]` : message, options);
    // Bad credentials stay bad; a Keystone that is down or overloaded may come back.
    this.retryable = status >= 500 || status === 429;
  }
}

/** The token's service catalog offers no orchestration endpoint for the interface/region asked for. */
export class EndpointNotFoundError extends OpenStackError {
  readonly retryable = false;
}

/** Heat answered with an error status. `type` is Heat's error type (e.g. `StackValidationFailed`). */
export class HeatApiError extends OpenStackError {
  readonly retryable: boolean;
  readonly decision: HeatDecision;
  /**
   * @param detail Heat's own message (`error.message`), e.g. "The Parameter (x) was not provided."
   * @param where  the request, e.g. "POST /stacks"
   */
  constructor(
    readonly status: number,
    readonly type: string,
    readonly detail: string,
    where: string,
    options?: AnswerInfo,
  ) {
    super(`Heat ${where}: ${status}${type ? ` ${type}` : ''}: ${detail}${options?.requestId ? ` [${options.requestId}]` : ''}`, options);
    this.decision = heatErrorDecision(status, type, detail);
    // Only what describes the server's moment is worth repeating at once.
    this.retryable = this.decision === 'retry';
  }
}

/** No answer at all: connection refused or reset, DNS, TLS, or the request timed out. */
export class TransportError extends OpenStackError {
  readonly retryable = true;
}

/** A stack was still not settled when the caller's deadline passed. */
export class StackWaitTimeoutError extends OpenStackError {
  readonly retryable = false;
  constructor(
    readonly stackName: string,
    readonly lastStatus: string,
    readonly waitedMs: number,
  ) {
    super(`Stack ${stackName} still ${lastStatus} after ${Math.round(waitedMs)} ms`);
  }
}

/** The project's one retry rule (unknown errors: retried, within the retry policy's attempts). */
export { isRetryable } from '@esi/errors';
