/**
 * The workers' reads of job templates (/config/v2.0/heat_templates/<id>). The work
 * message names the template's mod revision as the planner read it; a worker that holds
 * the template at that revision runs it without a round trip to etcd: the very template
 * the job's params were mapped with. Otherwise (no revision sent, one this worker has
 * not seen) it reads etcd and runs what etcd holds now, as every job did before.
 */
import { SLICES, templateKey, type ConfigValue } from '@esi/contracts';
import type { OwnedStore, Versioned } from '@esi/store';
import { RecentMap } from '@esi/recent-map';

/** Templates kept per worker: the catalog holds a few dozen; more is a misuse, not a need. */
const TEMPLATES_KEPT = 512;

export class TemplateReader {
  private readonly kept = new RecentMap<string, Versioned<ConfigValue>>(TEMPLATES_KEPT);

  constructor(private readonly store: Pick<OwnedStore, 'read'>) {}

  async read(templateId: string, revision: string): Promise<Versioned<ConfigValue> | undefined> {
    const held = this.kept.get(templateId);
    if (held && revision !== '' && held.modRevision === revision) return held;
    const stored = await this.store.read(templateKey(templateId), SLICES.config.parse);
    if (stored) this.kept.set(templateId, stored);
    else this.kept.delete(templateId);
    return stored;
  }
}
