/**
 * The lifecycle both in-memory copies of a prefix share (target-index.ts,
 * monitoring-values.ts); the watch itself is @esi/store's watchPrefixFrom.
 */
import type { PrefixWatch } from '@esi/store';

export abstract class FollowedPrefix {
  protected watch: PrefixWatch | undefined;
  protected closed = false;
  private syncing: Promise<void> | undefined;

  /** True while the watch follows etcd; false before the first sync and after it broke. */
  get live(): boolean {
    return this.watch !== undefined;
  }

  /** Loads the prefix (again) unless the watch is following it. */
  sync(): Promise<void> {
    if (this.watch || this.closed) return Promise.resolve();
    this.syncing ??= this.rebuild().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.syncing?.catch(() => undefined);
    const w = this.watch;
    this.watch = undefined;
    await w?.cancel();
  }

  protected abstract rebuild(): Promise<void>;
}
