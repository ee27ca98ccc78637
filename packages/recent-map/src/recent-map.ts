/**
 * A map that keeps at most `max` entries, forgetting the least recently used first: what
 * every bounded cache of the project needs (compiled templates and patterns, templates
 * held by revision, what a single writer knows of its keys). A get or a set counts as a
 * use; Map's insertion order is the order of use, so eviction is O(1).
 */
export class RecentMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`RecentMap needs room for one entry at least, not ${max}`);
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
