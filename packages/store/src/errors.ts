/**
 * Errors of the etcd edge. etcd3's own classes say what failed: the ones it marks
 * recoverable (isRecoverableError: unavailable, deadline exceeded, aborted, cancelled,
 * internal — what its own fault handling retries) and cockatiel's open circuit, while the
 * client fails over from a dead member, are an outage; everything else is passed on as
 * it is. The retry rule itself is @esi/errors'.
 */
import { ClassifiedError } from '@esi/errors';
import { isBrokenCircuitError } from 'cockatiel';
import { GRPCResourceExhastedError, isRecoverableError } from 'etcd3';

export class OwnershipViolationError extends ClassifiedError {
  readonly retryable = false;
  constructor(owner: string, key: string) {
    super(`${owner} may not write ${key}: it lies outside its slice of the etcd keyspace`);
  }
}

/** etcd could not be reached or timed out; retrying later can help. */
export class StoreUnavailableError extends ClassifiedError {
  readonly retryable = true;
  readonly outage = true;
}

/**
 * etcd refused a request or an answer for its size (a range over the client's receive
 * limit, a transaction over the server's request limit). etcd3 counts RESOURCE_EXHAUSTED
 * as recoverable, but the same request will be just as large next time.
 */
export const isTooLarge = (err: unknown): boolean => err instanceof GRPCResourceExhastedError;

export function isEtcdOutage(err: unknown): boolean {
  if (!(err instanceof Error) || isTooLarge(err)) return false;
  return isRecoverableError(err) || isBrokenCircuitError(err);
}

/** Classifies a failed etcd call: unavailability becomes StoreUnavailableError (an outage, retried). */
export async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isEtcdOutage(err)) throw new StoreUnavailableError(`etcd: ${(err as Error).message}`, { cause: err });
    throw err;
  }
}
