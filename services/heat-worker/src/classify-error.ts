/**
 * Sorts what a job threw: the job's own input (fail it now, naming the template),
 * another permanent problem (fail it now), or something transient (try again on a later
 * delivery, with backoff, until ESI_HEAT_MAX_ATTEMPTS). Heat's errors are sorted by
 * the decision @esi/heat-client takes from Heat's error type (heat-error-policy.ts);
 * the table is in this service's README.
 */
import { HeatApiError, type HeatDecision } from '@esi/heat-client';
import {
  DependencyCycleError,
  IntrinsicError,
  InvalidStackRequestError,
  ParameterError,
  TemplateError,
} from '@esi/stack-engine';
import { TemplateRenderError } from '@esi/templating';
import { isRetryable, messageOf } from '@esi/errors';
import { BadJobInputError, StackRefusedError } from './errors.js';

export type ErrorKind = 'input' | 'permanent' | 'transient';

/** What a Heat error that reached the job means for it. */
const HEAT_DECISIONS: Record<HeatDecision, ErrorKind> = {
  // The client's tries ran out; a later delivery tries again.
  retry: 'transient',
  later: 'transient',
  // A 404 that was not answered inside the driver: the stack went away mid-job; the next
  // delivery decides afresh (e.g. creates it).
  gone: 'transient',
  // A 409 the driver did not resolve: another operation holds the stack.
  conflict: 'transient',
  // 401 again with a fresh token: the credentials lack access to Heat.
  reauth: 'permanent',
  input: 'input',
  fail: 'permanent',
};

export function classifyError(error: unknown): ErrorKind {
  if (
    error instanceof BadJobInputError ||
    error instanceof StackRefusedError ||
    error instanceof TemplateRenderError ||
    error instanceof TemplateError ||
    error instanceof ParameterError ||
    error instanceof IntrinsicError ||
    error instanceof DependencyCycleError ||
    error instanceof InvalidStackRequestError
  ) {
    return 'input';
  }
  if (error instanceof HeatApiError) return HEAT_DECISIONS[error.decision];
  return isRetryable(error) ? 'transient' : 'permanent';
}

export { messageOf };
