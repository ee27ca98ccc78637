/**
 * Live resources that reference a resource through a foreign key (relations table).
 * A delete waits until they are gone: dependents are deleted first (new behaviour; the
 * original never deleted in G1).
 */
import { SLICES } from '@esi/contracts';
import type { Relations } from '@esi/mapping';
import { scanPrefix, type OwnedStore } from '@esi/store';

export async function liveDependents(
  store: OwnedStore,
  relations: Relations,
  typeOfPlural: (plural: string) => string | undefined,
  type: string,
  id: string,
): Promise<string[]> {
  const out: string[] = [];
  // Paged (scanPrefix in @esi/store): one read of every config fails past the client's message limit.
  await scanPrefix(store, SLICES.config.prefix, (key, raw) => {
    const parsed = SLICES.config.resourceOf(key);
    if (!parsed || parsed.plural === 'heat_templates') return;
    const otherType = typeOfPlural(parsed.plural);
    if (!otherType || (otherType === type && parsed.id === id)) return;
    const fks = Object.entries(relations[otherType] ?? {}).filter(([, target]) => target === type);
    if (fks.length === 0) return;
    const config = SLICES.config.parse(raw);
    if (!config) return;
    const body = JSON.parse(config.body) as Record<string, unknown>;
    if (fks.some(([fk]) => body[fk] === id || (Array.isArray(body[fk]) && (body[fk] as unknown[]).includes(id)))) {
      out.push(`${otherType}:${parsed.id}`);
    }
  });
  return out;
}
