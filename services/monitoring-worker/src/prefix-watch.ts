/**
 * Follows one etcd prefix after a snapshot of it: the caller reads the prefix with
 * scanPrefix (paged, at one revision) and watches from the revision after that, so no
 * change made in between is missed and none is applied twice.
 *
 * A watch that ends for any reason other than cancel() is given up and reported once
 * through `broken`; the caller then scans again. That covers 'error' (etcd cancelled it,
 * e.g. its start revision was compacted) and 'disconnected' (etcd restarted, network).
 * The etcd3 client would resume a disconnected watch by itself, but on reconnecting it
 * moves its resume point to the server's current revision before the missed events have
 * arrived, so a second drop in that window would lose them; a fresh scan cannot.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { OwnedStore } from '@esi/store';

const CANCEL_WAIT_MS = 2_000;

export interface PrefixEvents {
  put(key: string, value: string): void;
  delete(key: string): void;
  /** Called at most once, when the watch has stopped: what the caller holds is stale. */
  broken(err: unknown): void;
}

export interface PrefixWatch {
  cancel(): Promise<void>;
}

/** Resolves once etcd has accepted the watch; rejects when it could not be set up. */
export function watchPrefixFrom(store: OwnedStore, prefix: string, afterRevision: string, on: PrefixEvents): Promise<PrefixWatch> {
  // watcher() attaches at once, so every handler is in place before the first event.
  const watcher = store.watch({ prefix }, { startRevision: String(BigInt(afterRevision) + 1n) }).watcher();
  let connected = false;
  let over = false;
  return new Promise<PrefixWatch>((resolve, reject) => {
    const end = (err: unknown): void => {
      if (over) return;
      over = true;
      if (connected) on.broken(err);
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    watcher.on('connected', () => {
      if (connected || over) return;
      connected = true;
      resolve({
        cancel: async () => {
          if (over) return;
          over = true;
          // Bounded: a cancel waits for etcd's answer, which a hung etcd never sends.
          await Promise.race([watcher.cancel().catch(() => undefined), delay(CANCEL_WAIT_MS)]);
        },
      });
    });
    watcher.on('put', (kv) => {
      if (!over) on.put(kv.key.toString(), kv.value.toString());
    });
    watcher.on('delete', (kv) => {
      if (!over) on.delete(kv.key.toString());
    });
    // 'error' means etcd cancelled the watch: it is already detached from the client.
    watcher.on('error', end);
    watcher.on('disconnected', (err) => {
      end(err);
      // Detached while disconnected: the client will not resume it behind our back.
      void watcher.cancel().catch(() => undefined);
    });
  });
}

/**
 * The lifecycle both in-memory copies of a prefix share (target-index.ts,
 * monitoring-values.ts): `sync` loads the prefix and starts following it unless a watch
 * already does, one load at a time; `close` ends both. A subclass's `rebuild` scans,
 * swaps in what it read, then sets `watch` (unless `closed`), and clears it when broken.
 */
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
