/** The one table that turns domain errors into gRPC status codes. */
import { status, type ServiceError, Metadata } from '@grpc/grpc-js';
import { AlreadyExistsError, NotFoundError, ValidationError, VersionConflictError } from './errors.js';

const TABLE: [new (...args: never[]) => Error, status][] = [
  [ValidationError, status.INVALID_ARGUMENT],
  [NotFoundError, status.NOT_FOUND],
  [AlreadyExistsError, status.ALREADY_EXISTS],
  [VersionConflictError, status.FAILED_PRECONDITION],
];

export function toServiceError(err: unknown): Partial<ServiceError> {
  const e = err instanceof Error ? err : new Error(String(err));
  const hit = TABLE.find(([cls]) => e instanceof cls);
  const code = hit ? hit[1] : e.name === 'StoreUnavailableError' || e.name === 'RetryableError' ? status.UNAVAILABLE : status.INTERNAL;
  const metadata = new Metadata();
  if (e instanceof ValidationError) metadata.set('esi-field', e.field);
  return { code, details: code === status.INTERNAL ? `internal error: ${e.message}` : e.message, metadata };
}
