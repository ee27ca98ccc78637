/**
 * The configs this api process last read or wrote, so that a change's reference checks
 * need no read of etcd: a port names the same network and physical port as the ports
 * before it, and a logical port names the port created a moment ago.
 *
 * A copy is never trusted on its own. The commit's transaction compares each referenced
 * config's mod revision with the one the check was judged against (resources.ts), so a
 * config changed or removed since (by another api replica, or the deletion finisher)
 * fails the transaction, and the change is prepared again from fresh reads. A check that
 * a copy would fail (a reference missing, being deleted, not the caller's) is judged again
 * from a fresh read as well, so a stale copy can cost a round trip but never a wrong answer.
 * The api is the only writer of /config, so one process keeps its copies current itself.
 */
import type { ConfigValue } from '@esi/contracts';
import { KeptCopies, type OwnedStore, type Versioned } from '@esi/store';
import { readConfig } from './resource-reads.js';

/** A config as a check used it, and whether it came from the kept copies. */
export interface ConfigSeen {
  found: Versioned<ConfigValue> | undefined;
  kept: boolean;
}

const DEFAULT_MAX = 4096;

export class KnownConfigs {
  private readonly copies: KeptCopies<ConfigValue>;

  constructor(max = DEFAULT_MAX) {
    this.copies = new KeptCopies(max);
  }

  /** The kept copy when `mayUseKept` and one is kept, else a read of etcd (then kept). */
  async read(store: OwnedStore, key: string, mayUseKept: boolean): Promise<ConfigSeen> {
    const kept = mayUseKept ? this.copies.get(key) : undefined;
    if (kept) return { found: kept, kept: true };
    const found = await readConfig(store, key);
    this.copies.saw(key, found);
    return { found, kept: false };
  }

  /** What this process wrote, at the revision of its write. */
  wrote(key: string, written: Versioned<ConfigValue>): void {
    this.copies.saw(key, written);
  }

  forget(key: string): void {
    this.copies.forget(key);
  }
}
