/**
 * Sorts what a job threw: the job's own input (fail it now, naming the template),
 * another permanent problem (fail it now), or something transient (try again later).
 */
import {
  DependencyCycleError,
  IntrinsicError,
  InvalidStackRequestError,
  ParameterError,
  TemplateError,
} from '@esi/stack-engine';
import { TemplateRenderError } from '@esi/templating';
import { BadJobInputError, StackRefusedError } from './errors.js';

export type ErrorKind = 'input' | 'permanent' | 'transient';

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
  // Unknown errors (a dropped connection, etcd unavailable) get the benefit of the doubt.
  const retryable = typeof error === 'object' && error !== null ? (error as { retryable?: unknown }).retryable : undefined;
  return retryable === false ? 'permanent' : 'transient';
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
