/**
 * Caps the watches one caller holds open at once. A watch holds an etcd watcher and a
 * stream for as long as its client likes; without a cap one caller could open them
 * until the api or etcd runs out. The slot is given back when the watch ends, however
 * it ends.
 */
import { TooManyWatchesError } from './errors.js';

export class WatchLimit {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerCaller: number) {}

  /** Runs `watch` holding one of the caller's slots; refuses when none is free. */
  async hold<T>(callerKey: string, watch: () => Promise<T>): Promise<T> {
    const held = this.open.get(callerKey) ?? 0;
    if (held >= this.maxPerCaller) {
      throw new TooManyWatchesError(`this caller already has ${held} watches open, the most one caller may hold (ESI_API_MAX_WATCHES_PER_CALLER); end one first`);
    }
    this.open.set(callerKey, held + 1);
    try {
      return await watch();
    } finally {
      const left = (this.open.get(callerKey) ?? 1) - 1;
      if (left === 0) this.open.delete(callerKey);
      else this.open.set(callerKey, left);
    }
  }

  /** Watches the caller holds now. */
  heldBy(callerKey: string): number {
    return this.open.get(callerKey) ?? 0;
  }
}
