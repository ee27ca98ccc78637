/**
 * The store the api's calls read through: the same client, whose reads are charged to
 * the read budget of the call in progress (call-context.ts). Work outside a call (the
 * catalog load, the deletion finisher, streams) is not charged. A range read made
 * directly on the etcd client is charged by its caller (list-page.ts).
 */
import { scanPrefix, type OwnedStore, type Versioned } from '@esi/store';
import { currentCall } from './call-context.js';

export function chargedStore(store: OwnedStore): OwnedStore {
  // Delegates everything else (writes, the client, getJson through getString) to `store`.
  const charged = Object.create(store) as OwnedStore;
  Object.defineProperties(charged, {
    getString: {
      value: async (key: string): Promise<Versioned<string> | undefined> => {
        currentCall()?.reads.charge(1);
        return store.getString(key);
      },
    },
    getPrefix: {
      // Charged key by key while the pages arrive, so an over-budget scan stops after the
      // page that crossed the limit instead of reading the rest of the prefix first.
      value: async (prefix: string): Promise<Map<string, string>> => {
        const reads = currentCall()?.reads;
        const out = new Map<string, string>();
        await scanPrefix(store, prefix, (k, v) => {
          reads?.charge(1);
          out.set(k, v);
        });
        // An empty range still cost a request.
        if (out.size === 0) reads?.charge(1);
        return out;
      },
    },
  });
  return charged;
}
