/**
 * The one table that turns domain errors into gRPC status codes, and each into the
 * standard gRPC error model as well: a google.rpc.Status in the grpc-status-details-bin
 * trailer, whose details any client that knows the Google error types decodes without
 * knowing this api (BadRequest names the wrong field, ResourceInfo the missing resource…).
 */
import { status, type ServiceError, Metadata } from '@grpc/grpc-js';
import { rpcDetails, rpcStatus } from '@esi/contracts';
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

/** The ErrorInfo domain: reasons below are this api's own. */
export const ERROR_DOMAIN = 'esi.api';
/** The trailer the Google error model uses for the binary google.rpc.Status. */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
/** The trailer of earlier versions naming the wrong field; kept while clients move to BadRequest. */
export const LEGACY_FIELD_KEY = 'esi-field';
/** How long a client should wait before retrying an UNAVAILABLE call (etcd or NATS restarting). */
const RETRY_DELAY_S = 1;

/** Which limit a RESOURCE_EXHAUSTED error ran into, as QuotaFailure's subject. */
const QUOTA_SUBJECT = new Map<string, string>([
  ['ReadBudgetExceededError', 'ESI_API_MAX_READS_PER_CALL'],
  ['TooManyWatchesError', 'ESI_API_MAX_WATCHES_PER_CALLER'],
  ['SlowConsumerError', 'stream backlog'],
]);

export function toServiceError(err: unknown): Partial<ServiceError> & { code: status } {
  const e = err instanceof Error ? err : new Error(String(err));
  const hit = TABLE.find(([cls]) => e instanceof cls);
  const code = hit ? hit[1] : UNAVAILABLE_NAMES.has(e.name) ? status.UNAVAILABLE : status.INTERNAL;
  // Messages quote what the client sent, which may hold half a surrogate pair: grpc-js
  // percent-encodes the message for its trailer and throws on one, outside any handler,
  // and the api process died of it (a fuzzed PutTemplate). Such halves become U+FFFD.
  const details = wellFormed(code === status.INTERNAL ? `internal error: ${e.message}` : e.message);
  const metadata = new Metadata();
  if (e instanceof ValidationError) metadata.set(LEGACY_FIELD_KEY, asciiHeaderValue(e.field));
  metadata.set(STATUS_DETAILS_KEY, Buffer.from(rpcStatus.Status.encode(statusOf(e, code, details)).finish()));
  return { code, details, metadata };
}

/** The text with each unpaired surrogate replaced by U+FFFD (String#toWellFormed, ES2024). */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/**
 * A field path as a header value: grpc-js refuses any character outside printable ASCII
 * there (a field path can hold a key the client chose), so those are written as \uXXXX.
 * The BadRequest detail carries the path as it is.
 */
function asciiHeaderValue(text: string): string {
  return text.replace(/[^ -~]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The google.rpc.Status of an error: its code, message and the detail types that fit. */
export function statusOf(e: Error, code: status, message: string): rpcStatus.Status {
  const details = [packed('ErrorInfo', rpcDetails.ErrorInfo.encode({ reason: reasonOf(code), domain: ERROR_DOMAIN, metadata: {} }).finish())];
  if (e instanceof ValidationError) {
    const violation = { field: e.field, description: e.reason, reason: 'INVALID_FIELD' };
    details.push(packed('BadRequest', rpcDetails.BadRequest.encode({ fieldViolations: [violation] }).finish()));
  } else if (e instanceof HistoryGoneError) {
    // The watch's start revision is the argument out of range.
    const violation = { field: 'from_revision', description: e.message, reason: 'REVISION_COMPACTED' };
    details.push(packed('BadRequest', rpcDetails.BadRequest.encode({ fieldViolations: [violation] }).finish()));
  } else if ((e instanceof NotFoundError || e instanceof AlreadyExistsError) && e.resource) {
    const info = { resourceType: e.resource.type, resourceName: e.resource.id, owner: '', description: e.message };
    details.push(packed('ResourceInfo', rpcDetails.ResourceInfo.encode(info).finish()));
  } else if (e instanceof VersionConflictError) {
    const violation = { type: 'VERSION', subject: '', description: e.message };
    details.push(packed('PreconditionFailure', rpcDetails.PreconditionFailure.encode({ violations: [violation] }).finish()));
  } else if (code === status.RESOURCE_EXHAUSTED) {
    const violation = { subject: QUOTA_SUBJECT.get(e.name) ?? '', description: e.message };
    details.push(packed('QuotaFailure', rpcDetails.QuotaFailure.encode({ violations: [violation] }).finish()));
  } else if (code === status.UNAVAILABLE) {
    details.push(packed('RetryInfo', rpcDetails.RetryInfo.encode({ retryDelay: { seconds: RETRY_DELAY_S, nanos: 0 } }).finish()));
  }
  return { code, message, details };
}

/** A detail as google.protobuf.Any, named by the type URL every Google error model reader expects. */
function packed(type: string, value: Uint8Array): { typeUrl: string; value: Buffer } {
  return { typeUrl: `type.googleapis.com/google.rpc.${type}`, value: Buffer.from(value) };
}

/** ErrorInfo's reason: the status code's name (INVALID_ARGUMENT, NOT_FOUND…), stable and machine-readable. */
function reasonOf(code: status): string {
  return status[code] ?? 'UNKNOWN';
}
