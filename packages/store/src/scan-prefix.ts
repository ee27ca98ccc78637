/**
 * Visits every key under a prefix, in key order, reading it in pages, all at the
 * revision of the first page. One range read of a whole prefix fails once its response
 * passes the etcd client's 4 MiB gRPC message limit (about 6,000 /config values: the
 * planner or the api could then not even start), and holds the whole prefix in memory at once.
 * Pages bound both; the pinned revision gives the same snapshot one read gave.
 */
import type { OwnedStore } from './owned-store.js';

export const SCAN_PAGE_SIZE = 1_000;

export async function scanPrefix(
  store: OwnedStore,
  prefix: string,
  visit: (key: string, value: string) => void,
  pageSize = SCAN_PAGE_SIZE,
  atRevision?: string,
): Promise<string> {
  // Returns the revision read, so a watch can start right after the snapshot.
  const end = prefixEnd(prefix);
  let start = Buffer.from(prefix);
  let revision: string | undefined = atRevision;
  for (;;) {
    // No sort option: etcd returns a range in key order anyway, and asking for a sort makes
    // it read the whole rest of the range for every page before cutting it to the limit.
    const res = await store.range({ start, end }, { limit: pageSize, ...(revision === undefined ? {} : { revision }) });
    revision ??= res.revision;
    for (const kv of res.kvs) visit(kv.key.toString(), kv.value.toString());
    const last = res.kvs[res.kvs.length - 1];
    if (!res.more || !last) return revision;
    // The smallest key after the last one read.
    start = Buffer.concat([last.key, Buffer.from([0])]);
  }
}

/** The first key after every key that starts with `prefix` (etcd's range end for a prefix). */
function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}
