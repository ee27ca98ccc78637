/** Reads other resources' decoded config bodies for the mapping language. */
import { configKey, templateKey, type ConfigValue } from '@esi/contracts';
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

  async getConfig(type: string, id: string): Promise<ConfigValue | undefined> {
    return (await this.store.getJson<ConfigValue>(configKey(this.pluralOf(type), id)))?.value;
  }

  async getBody(type: string, id: string): Promise<Record<string, unknown> | undefined> {
    const cfg = await this.getConfig(type, id);
    return cfg ? (JSON.parse(cfg.body) as Record<string, unknown>) : undefined;
  }

  async getTemplate(templateId: string): Promise<TemplateBody | undefined> {
    const cfg = (await this.store.getJson<ConfigValue>(templateKey(templateId)))?.value;
    return cfg ? (JSON.parse(cfg.body) as TemplateBody) : undefined;
  }
}
