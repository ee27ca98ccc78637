/**
 * Copies of keys a process read or wrote, each with its mod revision, kept so that a
 * later request can skip the read: the most recently used `max` of them.
 *
 * A copy is a guess, never an answer: whoever uses one makes the write that depends on
 * it compare the key with the copy's revision (`{ key, modRevision }`), and reads again
 * when that comparison fails. A newer copy is never replaced by an older one (a slow read
 * answering after a write), and a key read absent is dropped.
 */
import { RecentMap } from '@esi/recent-map';
import type { Versioned } from './owned-store.js';

export class KeptCopies<T> {
  private readonly copies: RecentMap<string, Versioned<T>>;

  constructor(max: number) {
    this.copies = new RecentMap(max);
  }

  get(key: string): Versioned<T> | undefined {
    return this.copies.get(key);
  }

  /** What a read found (undefined: the key is absent), or what a write stored. */
  saw(key: string, seen: Versioned<T> | undefined): void {
    if (!seen) {
      this.copies.delete(key);
      return;
    }
    const kept = this.copies.get(key);
    if (kept && BigInt(kept.modRevision) > BigInt(seen.modRevision)) return;
    this.copies.set(key, seen);
  }

  forget(key: string): void {
    this.copies.delete(key);
  }

  get size(): number {
    return this.copies.size;
  }
}
