/**
 * Puts the template catalog into /config/v2.0/heat_templates/<tid> when the api starts,
 * as Gohan imported its init files: version 1 when new, version +1 when the body changed,
 * untouched when equal.
 */
import { SLICES, templateKey, type ConfigValue } from '@esi/contracts';
import type { StoredTemplate } from '@esi/catalog';
import type { OwnedStore } from '@esi/store';

export async function loadCatalogIntoEtcd(store: OwnedStore, templates: StoredTemplate[]): Promise<{ written: number; unchanged: number }> {
  let written = 0;
  for (const t of templates) {
    const key = templateKey(t.id);
    const current = await store.read(key, SLICES.config.parse);
    if (current && sameBody(current.value.body, t.value.body)) continue;
    const value: ConfigValue = { ...t.value, version: current ? current.value.version + 1 : t.value.version };
    const ok = await store.txn(
      [current ? { key, modRevision: current.modRevision } : { key, absent: true }],
      [{ put: key, value: JSON.stringify(value) }],
    );
    if (ok) written++;
  }
  return { written, unchanged: templates.length - written };
}

function sameBody(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
}
