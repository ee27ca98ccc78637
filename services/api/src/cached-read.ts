/**
 * A read kept for a moment: many calls within `ttlMs` share one read of etcd, and a
 * read that failed is not kept, so the next call tries again.
 */
export class CachedRead<T> {
  private cached: { at: number; value: Promise<T> } | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  current(): Promise<T> {
    const t = this.now();
    if (!this.cached || t - this.cached.at > this.ttlMs) {
      const value = this.read();
      this.cached = { at: t, value };
      value.catch(() => {
        if (this.cached?.value === value) this.cached = undefined;
      });
    }
    return this.cached.value;
  }
}
