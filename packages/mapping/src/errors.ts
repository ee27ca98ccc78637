import { preview } from './json.js';

/**
 * Why a mapping could not be evaluated.
 * - `missing`: the data lacks something the mapping needs (empty foreign key, referenced
 *   resource not found, field absent on a resource reached by a path). Only this kind is
 *   turned into `""` by `ignore_missing`.
 * - `bad-data`: the data is there but has the wrong shape (e.g. for_field is not a list).
 * - `bad-mapping`: the mapping itself is malformed or names an unknown relation.
 * - `lookup-failed`: the injected ResourceLookup threw; the original error is the `cause`.
 */
export type MappingFailure = 'missing' | 'bad-data' | 'bad-mapping' | 'lookup-failed';

export interface MappingErrorOptions {
  cause?: unknown;
  failure: MappingFailure;
  /** Parameter name; undefined for template mappings. */
  param?: string;
  /** The mapping as written in the template or schema. */
  mapping: unknown;
  /** The reason alone, without the parameter/mapping prefix of the message. */
  reason: string;
}

/** A template or parameter mapping could not be evaluated for a resource. */
export class MappingError extends Error {
  override readonly name = 'MappingError';
  readonly failure: MappingFailure;
  readonly param: string | undefined;
  readonly mapping: unknown;
  readonly reason: string;

  constructor(message: string, options: MappingErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.failure = options.failure;
    this.param = options.param;
    this.mapping = options.mapping;
    this.reason = options.reason;
  }
}

/**
 * Raised deep inside evaluation, where the parameter name is not known yet; the public
 * entry points turn it into a MappingError. Kept separate so that ignore_missing can
 * catch exactly the faults of evaluation and nothing else.
 */
export class MappingFault extends Error {
  override readonly name = 'MappingFault';
  constructor(
    readonly failure: MappingFailure,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

export const missing = (reason: string): MappingFault => new MappingFault('missing', reason);
export const badData = (reason: string): MappingFault => new MappingFault('bad-data', reason);
export const badMapping = (reason: string): MappingFault => new MappingFault('bad-mapping', reason);

/** Converts an evaluation fault into the public error; anything else is a bug and passes through. */
export function toMappingError(
  error: unknown,
  subject: { param?: string; mapping: unknown; resourceType: string; resourceId: string },
): unknown {
  if (!(error instanceof MappingFault)) return error;
  const what = subject.param === undefined ? 'template mapping' : `parameter "${subject.param}"`;
  const message =
    `${what} of ${subject.resourceType} "${subject.resourceId}" ` +
    `(mapping ${preview(subject.mapping)}): ${error.message}`;
  return new MappingError(message, {
    cause: error.cause,
    failure: error.failure,
    param: subject.param,
    mapping: subject.mapping,
    reason: error.message,
  });
}
