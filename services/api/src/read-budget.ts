/**
 * How many etcd keys one call may read. A call that follows references, walks a job
 * chain or scans a collection costs reads in proportion to what etcd holds, not to what
 * the caller sent; the budget caps that cost per call, so one request cannot make the
 * api read the whole store. Counted in keys: a get is one, a range read as many as it
 * returned (at least one).
 */
import { ReadBudgetExceededError } from './errors.js';

export interface ReadBudget {
  readonly limit: number;
  readonly used: number;
  /** Reads the call may still make. */
  remaining(): number;
  /** Counts `keys` reads; throws ReadBudgetExceededError once the call is past its limit. */
  charge(keys: number): void;
}

export function readBudget(limit: number): ReadBudget {
  let used = 0;
  return {
    limit,
    get used() {
      return used;
    },
    remaining: () => Math.max(0, limit - used),
    charge(keys) {
      used += keys;
      if (used > limit) throw new ReadBudgetExceededError(overBudget(limit));
    },
  };
}

export function overBudget(limit: number, hint = 'narrow the request (one resource, a tenant, a smaller page) or raise ESI_API_MAX_READS_PER_CALL'): string {
  return `this call would read more than ${limit} keys from etcd (ESI_API_MAX_READS_PER_CALL); ${hint}`;
}

/** For work no client waits on: reads are not limited. */
export const UNLIMITED_READS: ReadBudget = { limit: Number.POSITIVE_INFINITY, used: 0, remaining: () => Number.POSITIVE_INFINITY, charge() {} };
