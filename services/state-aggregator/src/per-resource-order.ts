/**
 * Lets results of different resources be folded side by side while the results of one
 * resource are folded one after another, in the order they were handed in. Folding
 * reads and compare-and-swaps the resource's job_state, so two results of one resource
 * at once would conflict; results of different resources never touch the same keys.
 */
export class PerResourceOrder {
  /** Per resource: settles when the last work handed in for it has ended. */
  private readonly last = new Map<string, Promise<void>>();

  run(resource: string, work: () => Promise<void>): Promise<void> {
    const previous = this.last.get(resource);
    const result = previous ? previous.then(work) : work();
    const ended = result.then(
      () => undefined,
      () => undefined,
    );
    this.last.set(resource, ended);
    // Forget the resource once nothing is queued behind this work.
    void ended.then(() => {
      if (this.last.get(resource) === ended) this.last.delete(resource);
    });
    return result;
  }
}
