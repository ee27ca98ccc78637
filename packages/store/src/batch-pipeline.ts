/**
 * Where group commit and group reads wait: requests asked for in the same tick, or while
 * `inFlight` batches are already on their way to etcd, leave together as the next batch.
 * Unloaded, a lone request waits for nothing but the end of the current tick.
 */
export interface BatchPipelineOptions<M> {
  /** Batches on their way at once. */
  inFlight: number;
  /** Removes from `waiting` and returns the members of the next batch (at least one). */
  take(waiting: M[]): M[];
  /** Sends a batch and answers each member; never rejects. */
  run(batch: M[]): Promise<void>;
}

export class BatchPipeline<M> {
  private readonly waiting: M[] = [];
  private running = 0;
  private scheduled = false;

  constructor(private readonly opts: BatchPipelineOptions<M>) {}

  add(member: M): void {
    this.waiting.push(member);
    if (this.scheduled) return;
    this.scheduled = true;
    // The rest of this tick's requests join it (a handler's Promise.all of reads).
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.opts.inFlight && this.waiting.length > 0) {
      const batch = this.opts.take(this.waiting);
      if (batch.length === 0) return;
      this.running++;
      void this.opts.run(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }
}
