/**
 * Reads other resources' decoded config bodies for the mapping language. One reader
 * serves one handled event (`forEvent`), and reads each config once: planning a change
 * reads the configs of the resources it references for the mapping, then again to see
 * whether each was planned, and one event's view of them should not shift midway.
 * Changes are planned side by side, so each has its own.
 */
import { SLICES, configKey, templateKey, type ConfigValue } from '@esi/contracts';
import type { Relations, ResourceLookup } from '@esi/mapping';
import type { OwnedStore } from '@esi/store';

export interface TemplateBody {
  handler: string;
  id: string;
  parameter_mappings: Record<string, unknown>;
  template_file: string;
}

export class ConfigReader implements ResourceLookup {
  constructor(
    private readonly store: OwnedStore,
    private readonly pluralOf: (type: string) => string,
  ) {}

  private readonly seen = new Map<string, Promise<ConfigValue | undefined>>();

  /** A reader for one event's handling: nothing read for another event is reused. */
  forEvent(): ConfigReader {
    return new ConfigReader(this.store, this.pluralOf);
  }

  getConfig(type: string, id: string): Promise<ConfigValue | undefined> {
    const key = configKey(this.pluralOf(type), id);
    let read = this.seen.get(key);
    if (!read) {
      read = this.store.read(key, SLICES.config.parse).then((v) => v?.value);
      // A failed read is not kept: the event is retried and reads again.
      read.catch(() => this.seen.delete(key));
      this.seen.set(key, read);
    }
    return read;
  }

  /**
   * Starts reading, without waiting, the configs `body` names through the relations table
   * (and theirs, `hops` deep), so the mapping finds them read or on their way: reads asked
   * for together leave as one request (group reads in @esi/store) instead of one round
   * trip per hop as the mapping follows them. What is never used costs a read. Settles
   * (never rejects) once every read ahead has; planning does not wait for it.
   */
  prefetchReferences(type: string, body: Record<string, unknown>, relations: Relations, hops = 2): Promise<void> {
    if (hops <= 0) return Promise.resolve();
    const reads: Promise<unknown>[] = [];
    for (const [field, target] of Object.entries(relations[type] ?? {})) {
      const value = body[field];
      for (const id of Array.isArray(value) ? value : [value]) {
        if (typeof id !== 'string' || id === '') continue;
        reads.push(
          this.getBody(target, id)
            .then((found) => found && this.prefetchReferences(target, found, relations, hops - 1))
            // A failed read is read again by whoever needs it (getConfig keeps no failure).
            .catch(() => undefined),
        );
      }
    }
    return Promise.all(reads).then(() => undefined);
  }

  async getBody(type: string, id: string): Promise<Record<string, unknown> | undefined> {
    const cfg = await this.getConfig(type, id);
    return cfg ? (JSON.parse(cfg.body) as Record<string, unknown>) : undefined;
  }

  /** Mod revisions of the templates read for this event, by id (sent with the work: template-reader.ts in @esi/service-runtime). */
  private readonly templateRevisions = new Map<string, string>();

  async getTemplate(templateId: string): Promise<TemplateBody | undefined> {
    const stored = await this.store.read(templateKey(templateId), SLICES.config.parse);
    if (stored) this.templateRevisions.set(templateId, stored.modRevision);
    return stored ? (JSON.parse(stored.value.body) as TemplateBody) : undefined;
  }

  /** The mod revision of the template as planning read it ('' when it was not read). */
  templateRevision(templateId: string): string {
    return this.templateRevisions.get(templateId) ?? '';
  }
}
