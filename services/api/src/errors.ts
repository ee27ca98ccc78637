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

export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
}
