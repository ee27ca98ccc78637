/**
 * Runs the planner's handlers one at a time. Planning reads /jobs/all and writes new
 * jobs; two handlers interleaving could both miss each other's jobs when computing
 * dependencies, so the planner keeps a single writer and a single sequence.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
