/**
 * The configs written since a revision, as an etcd watch of /config delivers them: what
 * the resync's incremental pass checks. Reading them by range with a mod-revision filter
 * instead makes etcd read every config to filter them, each pass (some 0.4 s of etcd's
 * time at 100,000 resources, growing with them); the watch costs one event per write.
 *
 * Every write after the start revision is delivered once, in revision order, so what
 * take() hands over, with what later takes hand over, covers every write. Once the watch
 * has stopped (etcd restarted or compacted past it) take() answers undefined and the
 * caller reads by range from the revision of its last pass; it then follows again.
 */
import { SLICES } from '@esi/contracts';
import { watchPrefixFrom, type OwnedStore, type PrefixWatch } from '@esi/store';
import type { WrittenConfig } from './resync.js';

export class ConfigChanges {
  private written = new Map<string, WrittenConfig>();
  private watch: PrefixWatch | undefined;
  private stopped = false;

  /** `covered`: every config write up to this revision has been delivered. */
  private constructor(private covered: string) {}

  /** Follows /config after `afterRevision`; rejects when etcd refuses the watch. */
  static async follow(store: OwnedStore, afterRevision: string, onBroken: (err: unknown) => void): Promise<ConfigChanges> {
    const changes = new ConfigChanges(afterRevision);
    changes.watch = await watchPrefixFrom(store, SLICES.config.prefix, afterRevision, {
      put: (key, raw, modRevision) => {
        const resource = SLICES.config.resourceOf(key);
        // The latest value of a key replaces an earlier one: only the last version matters.
        if (resource) changes.written.set(key, { ...resource, raw });
        changes.covered = modRevision;
      },
      // A deleted config has nothing left to plan.
      delete: (_key, modRevision) => {
        changes.covered = modRevision;
      },
      broken: (err) => {
        changes.stopped = true;
        changes.written.clear();
        onBroken(err);
      },
    });
    return changes;
  }

  /** True until the watch has stopped. */
  get live(): boolean {
    return !this.stopped;
  }

  /**
   * The configs written since the last take and the revision up to which every write is
   * in them; undefined once the watch has stopped.
   */
  take(): { written: WrittenConfig[]; revision: string } | undefined {
    if (this.stopped) return undefined;
    const written = [...this.written.values()];
    this.written = new Map();
    return { written, revision: this.covered };
  }

  async cancel(): Promise<void> {
    this.stopped = true;
    this.written.clear();
    await this.watch?.cancel();
  }
}
