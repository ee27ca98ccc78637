/**
 * Reads other resources' decoded config bodies for the mapping language. One reader
 * serves one handled event (`forEvent`), and reads each config once: planning a change
 * reads the configs of the resources it references for the mapping, then again to see
 * whether each was planned, and one event's view of them should not shift midway.
 * Changes are planned side by side, so each has its own.
 */
import { SLICES, configKey, templateKey, type ConfigValue } from '@esi/contracts';
import type { ResourceLookup } from '@esi/mapping';
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
