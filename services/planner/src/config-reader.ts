/**
 * Reads other resources' decoded config bodies for the mapping language. One reader
 * serves one handled event (`forEvent`), and reads each config once: planning a change
 * reads the configs of the resources it references for the mapping, then again to see
 * whether each was planned, and one event's view of them should not shift midway.
 * Changes are planned side by side, so each has its own.
 *
 * Referenced configs and templates come from the copies kept across events
 * (KeptCopies in @esi/store) when there are any: every port of a build names the same network,
 * physical port and templates. A kept copy may be stale, so the commit requires each one
 * an event used still at the revision used (`keptExpects`); when it is not, the event is
 * planned again from fresh reads (plan-change.ts). The resource being planned is read
 * fresh (`getOwnConfig`), or, new, taken from its change event (`tellOwnConfig`): the
 * api's write, as recent as the event, and required by the commit like a kept copy.
 */
import { SLICES, configKey, templateKey, type ConfigValue } from '@esi/contracts';
import type { ResourceLookup } from '@esi/mapping';
import type { TemplateBody } from '@esi/planning';
import { KeptCopies, type Expect, type OwnedStore, type Versioned } from '@esi/store';

/** Referenced configs and templates kept across events: the bodies of a few thousand resources. */
const KEPT_CONFIGS = 4096;
/**
 * Copies one event may take, each a condition of its commits: a resync pass plans many
 * resources with one reader, and etcd refuses a transaction of more than 128 conditions.
 * Past this, the event reads.
 */
export const KEPT_PER_EVENT = 32;

type Read = Promise<Versioned<ConfigValue> | undefined>;

export class ConfigReader implements ResourceLookup {
  constructor(
    private readonly store: OwnedStore,
    private readonly pluralOf: (type: string) => string,
    private readonly kept = new KeptCopies<ConfigValue>(KEPT_CONFIGS),
  ) {}

  private readonly seen = new Map<string, Read>();
  /** Keys this event took from the kept copies, at the revision taken. */
  private readonly keptUsed = new Map<string, string>();

  /** A reader for one event's handling: nothing read for another event is reused, but the kept copies are shared. */
  forEvent(): ConfigReader {
    return new ConfigReader(this.store, this.pluralOf, this.kept);
  }

  getConfig(type: string, id: string): Promise<ConfigValue | undefined> {
    return this.readKey(configKey(this.pluralOf(type), id), true).then((v) => v?.value);
  }

  /** The config of the resource being planned: read fresh, whatever is kept or was taken from a copy. */
  getOwnConfig(type: string, id: string): Promise<ConfigValue | undefined> {
    return this.readKey(configKey(this.pluralOf(type), id), false).then((v) => v?.value);
  }

  /**
   * The planned resource's config as its change event carries it (the api's write, at its
   * revision), taken instead of a read: the commit requires it still, like a kept copy.
   */
  tellOwnConfig(type: string, id: string, told: Versioned<ConfigValue>): ConfigValue {
    const key = configKey(this.pluralOf(type), id);
    this.kept.saw(key, told);
    this.keptUsed.set(key, told.modRevision);
    this.seen.set(key, Promise.resolve(told));
    return told.value;
  }

  async getBody(type: string, id: string): Promise<Record<string, unknown> | undefined> {
    const cfg = await this.getConfig(type, id);
    return cfg ? (JSON.parse(cfg.body) as Record<string, unknown>) : undefined;
  }

  /** Mod revisions of the templates read for this event, by id (sent with the work: template-reader.ts in @esi/service-runtime). */
  private readonly templateRevisions = new Map<string, string>();

  async getTemplate(templateId: string): Promise<TemplateBody | undefined> {
    const stored = await this.readKey(templateKey(templateId), true);
    if (stored) this.templateRevisions.set(templateId, stored.modRevision);
    return stored ? (JSON.parse(stored.value.body) as TemplateBody) : undefined;
  }

  /** The mod revision of the template as planning read it ('' when it was not read). */
  templateRevision(templateId: string): string {
    return this.templateRevisions.get(templateId) ?? '';
  }

  /** What the commit requires of the kept copies this event used: each still at the revision used. */
  keptExpects(): Expect[] {
    return [...this.keptUsed].map(([key, modRevision]) => ({ key, modRevision }));
  }

  /** After a commit failed on them: the copies this event used are dropped, so planning again reads. */
  forgetKeptUsed(): void {
    for (const key of this.keptUsed.keys()) this.kept.forget(key);
  }

  private readKey(key: string, mayUseKept: boolean): Read {
    const before = this.seen.get(key);
    // Taken from a copy before, wanted fresh now: read, and the event's view follows the read.
    if (before && (mayUseKept || !this.keptUsed.has(key))) return before;
    const copy = mayUseKept && this.keptUsed.size < KEPT_PER_EVENT ? this.kept.get(key) : undefined;
    let read: Read;
    if (copy) {
      this.keptUsed.set(key, copy.modRevision);
      read = Promise.resolve(copy);
    } else {
      this.keptUsed.delete(key);
      read = this.store.read(key, SLICES.config.parse).then((v) => {
        this.kept.saw(key, v);
        return v;
      });
      // A failed read is not kept: the event is retried and reads again.
      read.catch(() => {
        if (this.seen.get(key) === read) this.seen.delete(key);
      });
    }
    this.seen.set(key, read);
    return read;
  }
}
