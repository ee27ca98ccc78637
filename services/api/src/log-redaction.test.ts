/**
 * The logger's list of secret keys (@esi/telemetry) covers what the catalog calls secret:
 * every field a schema marks `secret` and every template param that carries one (ours
 * and the G1 catalog). A schema or template that adds a secret the logger would print
 * fails here, not in a log.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultCatalogDir, loadRelations, loadResourceTypes, loadSchemas, loadTemplates, type FieldSchema } from '@esi/catalog';
import { catalogParamReads, type CatalogMappings } from '@esi/mapping';
import { SECRET_LOG_KEYS } from '@esi/telemetry';

const G1_DIR = '/work/shared/reference/templates/g1';
const schemas = loadSchemas();

function secretFields(fields: Record<string, FieldSchema>, into: Set<string>): Set<string> {
  for (const [name, f] of Object.entries(fields)) {
    if (f.secret === true) into.add(name);
    if (f.fields) secretFields(f.fields, into);
    if (f.items?.fields) secretFields(f.items.fields, into);
  }
  return into;
}

async function secretParams(dir: string): Promise<Set<string>> {
  const parameterMappings: CatalogMappings['parameterMappings'] = {};
  for (const t of await loadTemplates(dir)) parameterMappings[t.id] = t.body.parameter_mappings as Record<string, unknown>;
  const templateMappings: CatalogMappings['templateMappings'] = {};
  for (const [type, entry] of Object.entries(loadResourceTypes())) templateMappings[type] = { ...entry.template_mappings };
  const out = new Set<string>();
  for (const p of catalogParamReads({ templateMappings, parameterMappings, relations: loadRelations() })) {
    if (p.reads.some((r) => schemas[r.type]?.fields[r.field]?.secret === true)) out.add(p.param);
  }
  return out;
}

describe('log redaction covers the catalog’s secrets', () => {
  it('every schema field marked secret is a redacted log key', () => {
    const fields = new Set<string>();
    for (const s of Object.values(schemas)) secretFields(s.fields, fields);
    expect(fields.size).toBeGreaterThan(0);
    expect([...fields].filter((f) => !SECRET_LOG_KEYS.includes(f))).toEqual([]);
  });

  const catalogs: [string, string][] = [['ours', defaultCatalogDir], ...(existsSync(G1_DIR) ? [['G1', G1_DIR] as [string, string]] : [])];
  it.each(catalogs)('every template param carrying a secret (%s catalog) is a redacted log key', async (_name, dir) => {
    const params = await secretParams(dir);
    expect(params.size).toBeGreaterThan(0);
    expect([...params].filter((p) => !SECRET_LOG_KEYS.includes(p))).toEqual([]);
  });
});
