/**
 * Runs work for one key at a time, in the order it was handed in, and work for other
 * keys alongside. A failure ends only its own turn: the next work of the key still runs,
 * and the error reaches the caller who handed the failed work in. A key is forgotten as
 * soon as nothing is queued behind it, so memory follows the keys in use, not the keys
 * ever seen.
 *
 * The one lock of the project: the heat-worker per stack, the stack engine per stack
 * name, the state-aggregator per resource, the planner per resource and on one key for work that runs alone.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with work running or queued (for tests and metrics). */
  get busyKeys(): number {
    return this.tails.size;
  }
}
