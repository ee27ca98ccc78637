import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplates } from './load-templates.js';
import { defaultCatalogDir } from './paths.js';
import { referenceCatalogDir } from './test-support/reference.js';

/** Parameter renames we made on purpose (README "Our catalog versus the G1 one"). */
const RENAMED: Record<string, Record<string, string>> = {
  ha_router_monitoring: { primary_device_id: 'primary_router_id', secondary_device_id: 'secondary_router_id' },
};

describe('our catalog against the recorded G1 catalog', async () => {
  const ours = await loadTemplates();
  const g1 = new Map((await loadTemplates(referenceCatalogDir)).map((t) => [t.id, t.body]));

  it('uses G1 template ids, handlers and parameter names', () => {
    for (const t of ours) {
      const original = g1.get(t.id);
      expect(original?.handler, t.id).toBe(t.body.handler);
      const renames = RENAMED[t.id] ?? {};
      const expected = Object.keys(original?.parameter_mappings ?? {}).map((p) => renames[p] ?? p);
      expect(Object.keys(t.body.parameter_mappings).sort(), t.id).toEqual(expected.sort());
    }
  });

  it('is written anew, not copied file for file', async () => {
    for (const t of ours) {
      const mine = await readFile(join(defaultCatalogDir, `${t.id}.json`), 'utf8');
      const theirs = await readFile(join(referenceCatalogDir, `${t.id}.json`), 'utf8');
      expect(mine === theirs, t.id).toBe(false);
    }
  });
});
