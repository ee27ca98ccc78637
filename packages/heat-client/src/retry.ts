/**
 * Retries of one HTTP exchange: exponential backoff with jitter so that many jobs hit
 * by the same outage do not come back in lockstep, and never sooner than the server's
 * Retry-After. This is the client's only retry loop: the Keystone token request runs
 * inside it rather than retrying on its own, so one outage costs `attempts` requests,
 * not attempts × attempts.
 */
import { isRetryable } from './errors.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
  /**
   * The longest Retry-After waited for in the client (default 60 s). Asked to wait
   * longer, the client gives up on the request and the job is tried again later.
   */
  readonly maxRetryAfterMs?: number;
  readonly random?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 500, maxMs: 8_000, maxRetryAfterMs: 60_000 };

/** The pause before try `attempt + 1`: half the exponential ceiling plus a random half. */
export function retryDelayMs(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const random = policy.random ?? Math.random;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What the server asked us to wait, if the error carries it. */
export function retryAfterOf(error: unknown): number | undefined {
  const value = typeof error === 'object' && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Runs `fn` until it succeeds, throws something not retryable, or the attempts run out. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  const maxRetryAfter = policy.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs!;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.attempts) throw error;
      const asked = retryAfterOf(error);
      if (asked !== undefined && asked > maxRetryAfter) throw error;
      const delay = Math.max(retryDelayMs(attempt, policy), asked ?? 0);
      onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
