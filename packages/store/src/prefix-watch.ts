/**
 * Follows one etcd prefix from a revision: typically the caller reads the prefix with
 * scanPrefix (paged, at one revision) and watches from the revision after that, so no
 * change made in between is missed and none is applied twice. Shared by the
 * monitoring-worker's in-memory copies and the planner's record of configs written.
 *
 * A watch that ends for any reason other than cancel() is given up and reported once
 * through `broken`; the caller then scans again. That covers 'error' (etcd cancelled it,
 * e.g. its start revision was compacted) and 'disconnected' (etcd restarted, network).
 * The etcd3 client would resume a disconnected watch by itself, but on reconnecting it
 * moves its resume point to the server's current revision before the missed events have
 * arrived, so a second drop in that window would lose them; a fresh scan cannot.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { OwnedStore } from './owned-store.js';

const CANCEL_WAIT_MS = 2_000;

export interface PrefixEvents {
  /** `modRevision`: the revision of the write, so a follower knows how far it has seen. */
  put(key: string, value: string, modRevision: string): void;
  delete(key: string, modRevision: string): void;
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
      if (!over) on.put(kv.key.toString(), kv.value.toString(), kv.mod_revision);
    });
    watcher.on('delete', (kv) => {
      if (!over) on.delete(kv.key.toString(), kv.mod_revision);
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
