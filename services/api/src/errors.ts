/** Domain errors of the api; they know nothing of gRPC (grpc-status.ts maps them). */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

export class AlreadyExistsError extends Error {
  override readonly name = 'AlreadyExistsError';
}

/** The stored version is not the one the caller expected, or the resource is being deleted. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
}

/** No credentials, or credentials nobody issued. */
export class UnauthenticatedError extends Error {
  override readonly name = 'UnauthenticatedError';
}

/** The caller is known but may not do this. */
export class PermissionDeniedError extends Error {
  override readonly name = 'PermissionDeniedError';
}

/** The caller's deadline passed before the work was done; nothing more is written. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
}

/** The caller went away; nothing more is written. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
}

/** A stream's client reads more slowly than events arrive; it should resume from its last revision. */
export class SlowConsumerError extends Error {
  override readonly name = 'SlowConsumerError';
}

/** A watch asked for history that is no longer kept (compacted revision). */
export class HistoryGoneError extends Error {
  override readonly name = 'HistoryGoneError';
}

/** A call would read more keys from etcd than one call may (ESI_API_MAX_READS_PER_CALL). */
export class ReadBudgetExceededError extends Error {
  override readonly name = 'ReadBudgetExceededError';
}

/** A caller already holds as many open watches as one caller may (ESI_API_MAX_WATCHES_PER_CALLER). */
export class TooManyWatchesError extends Error {
  override readonly name = 'TooManyWatchesError';
}
