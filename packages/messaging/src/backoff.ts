/**
 * Exponential backoff with jitter over the upper half of each step (half fixed, half
 * random), so retries of many jobs don't move in lockstep yet never retry at once.
 */
export function backoffMs(attempt: number, baseMs = 250, maxMs = 30_000, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
