/**
 * Domain errors of the api; they know nothing of gRPC (grpc-status.ts maps them, and
 * turns what they carry — the field, the resource — into standard error details).
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    /** A path into the request: "resource_type", "body_json.network_id", "body.name". */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }

  /** The same complaint about the field under another name (a typed field beside a JSON string). */
  renamed(from: string, to: string): ValidationError {
    if (this.field !== from && !this.field.startsWith(`${from}.`)) return this;
    const e = new ValidationError(to + this.field.slice(from.length), this.reason);
    e.stack = this.stack;
    return e;
  }
}

/** Which resource an error is about: its type (or "template") and id. */
export interface ResourceName {
  type: string;
  id: string;
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    message: string,
    readonly resource?: ResourceName,
  ) {
    super(message);
  }
}

export class AlreadyExistsError extends Error {
  override readonly name = 'AlreadyExistsError';
  constructor(
    message: string,
    readonly resource?: ResourceName,
  ) {
    super(message);
  }
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
