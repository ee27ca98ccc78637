/**
 * How an api error reaches the browser: the gRPC status becomes the nearest HTTP status
 * and the body names the gRPC code, its message and the field the api blamed (the
 * `esi-field` trailer), so the page shows exactly what `esictl` would.
 */
import { status, type ServiceError } from '@grpc/grpc-js';

const HTTP_OF: Partial<Record<status, number>> = {
  [status.INVALID_ARGUMENT]: 400,
  [status.OUT_OF_RANGE]: 400,
  [status.UNAUTHENTICATED]: 401,
  [status.PERMISSION_DENIED]: 403,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.FAILED_PRECONDITION]: 409,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.CANCELLED]: 499,
  [status.UNAVAILABLE]: 503,
  [status.DEADLINE_EXCEEDED]: 504,
};

export interface ErrorBody {
  error: { code: string; message: string; field: string | null };
}

export function isServiceError(err: unknown): err is ServiceError {
  return typeof err === 'object' && err !== null && typeof (err as ServiceError).code === 'number' && 'metadata' in err;
}

export function httpStatusOf(err: ServiceError): number {
  return HTTP_OF[err.code] ?? 500;
}

export function errorBody(err: ServiceError): ErrorBody {
  const field = err.metadata?.get('esi-field')[0];
  return { error: { code: status[err.code] ?? String(err.code), message: err.details || err.message, field: field === undefined ? null : String(field) } };
}
