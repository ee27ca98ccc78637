/** The one table that turns domain errors into gRPC status codes. */
import { status, type ServiceError, Metadata } from '@grpc/grpc-js';
import {
  AlreadyExistsError,
  CancelledError,
  DeadlineExceededError,
  HistoryGoneError,
  NotFoundError,
  PermissionDeniedError,
  ReadBudgetExceededError,
  SlowConsumerError,
  TooManyWatchesError,
  UnauthenticatedError,
  ValidationError,
  VersionConflictError,
} from './errors.js';

const TABLE: [new (...args: never[]) => Error, status][] = [
  [ValidationError, status.INVALID_ARGUMENT],
  [NotFoundError, status.NOT_FOUND],
  [AlreadyExistsError, status.ALREADY_EXISTS],
  [VersionConflictError, status.FAILED_PRECONDITION],
  [UnauthenticatedError, status.UNAUTHENTICATED],
  [PermissionDeniedError, status.PERMISSION_DENIED],
  [DeadlineExceededError, status.DEADLINE_EXCEEDED],
  [CancelledError, status.CANCELLED],
  [HistoryGoneError, status.OUT_OF_RANGE],
  [SlowConsumerError, status.RESOURCE_EXHAUSTED],
  [ReadBudgetExceededError, status.RESOURCE_EXHAUSTED],
  [TooManyWatchesError, status.RESOURCE_EXHAUSTED],
];

/** Errors of the libraries underneath that mean "try again later". */
const UNAVAILABLE_NAMES = new Set(['StoreUnavailableError', 'RetryableError']);

export function toServiceError(err: unknown): Partial<ServiceError> & { code: status } {
  const e = err instanceof Error ? err : new Error(String(err));
  const hit = TABLE.find(([cls]) => e instanceof cls);
  const code = hit ? hit[1] : UNAVAILABLE_NAMES.has(e.name) ? status.UNAVAILABLE : status.INTERNAL;
  const metadata = new Metadata();
  if (e instanceof ValidationError) metadata.set('esi-field', e.field);
  return { code, details: code === status.INTERNAL ? `internal error: ${e.message}` : e.message, metadata };
}
