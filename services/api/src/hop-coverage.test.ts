/**
 * Every hop the templates follow out of a resource is a checked reference: the hops are
 * listed from the templates themselves (ours and the G1 catalog) and, for each, a tenant's
 * body holding an id at that place must yield a reference of the hop's target type from
 * the very function the create/update check uses. A template whose hop lands where the
 * check cannot see fails this test.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRelations, loadResourceTypes, loadSchemas, loadTemplates, defaultCatalogDir } from '@esi/catalog';
import { catalogHops, type CatalogMappings, type ListedHop } from '@esi/mapping';
import { referencesToCheck } from './hop-references.js';
import { factsOf } from './mapping-facts.js';
import { TypeRegistry } from './type-rules.js';

const G1_DIR = '/work/shared/reference/templates/g1';
const types = new TypeRegistry(loadResourceTypes(), loadSchemas());
const tenant = { kind: 'tenant', tenant: 't1' } as const;

async function catalogOf(dir: string): Promise<CatalogMappings> {
  const parameterMappings: CatalogMappings['parameterMappings'] = {};
  for (const t of await loadTemplates(dir)) parameterMappings[t.id] = t.body.parameter_mappings as Record<string, unknown>;
  const templateMappings: CatalogMappings['templateMappings'] = {};
  for (const [type, entry] of Object.entries(loadResourceTypes())) templateMappings[type] = { ...entry.template_mappings };
  return { templateMappings, parameterMappings, relations: loadRelations() };
}

/** A body of the hop's source type holding `id` where the hop reads it (and meeting its guard). */
function bodyWith(hop: ListedHop, id: string): Record<string, unknown> {
  const body: Record<string, unknown> = hop.when ? { [hop.when.field]: hop.when.equals } : {};
  let holder: Record<string, unknown> = body;
  const segments = hop.field.split('.');
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const list = segment.endsWith('[]');
    const name = list ? segment.slice(0, -2) : segment;
    const next: unknown = last ? id : {};
    holder[name] = list ? [next] : next;
    if (!last) holder = next as Record<string, unknown>;
  });
  return body;
}

const catalogs: [string, string][] = [['ours', defaultCatalogDir], ...(existsSync(G1_DIR) ? [['G1', G1_DIR] as [string, string]] : [])];

describe.each(catalogs)('every hop of the %s catalog is checked for tenant', (_name, dir) => {
  it('yields a reference of the target type at the place the hop reads', async () => {
    const catalog = await catalogOf(dir);
    const hops = catalogHops(catalog);
    expect(hops.length).toBeGreaterThan(10);
    const facts = factsOf(catalog, types);
    const unchecked: string[] = [];
    for (const hop of hops) {
      const schema = types.schemaOf(hop.sourceType) ?? { type: hop.sourceType, required: [], fields: {} };
      const refs = referencesToCheck(tenant, bodyWith(hop, 'probe-id'), schema, facts.hopsFrom(hop.sourceType));
      const hit = refs.some((r) => r.id === 'probe-id' && r.types.includes(hop.targetType));
      if (!hit) unchecked.push(`${hop.sourceType}.${hop.field} -> ${hop.targetType} (${hop.template}.${hop.param})`);
    }
    expect(unchecked).toEqual([]);
  });
});

describe('hops listed from our catalog', () => {
  it('include the ones the planner follows without a declared reference', async () => {
    const listed = new Set(catalogHops(await catalogOf(defaultCatalogDir)).map((h) => `${h.sourceType}.${h.field}->${h.targetType}`));
    for (const hop of [
      'port.device_id->gw_interface',
      'port.device_id->common_function_gateway',
      'port.fixed_ips[].subnet_id->subnet',
      'ese_logical_port.port_ids[]->port',
      'ese_logical_port.ese_physical_port_id->ese_physical_port',
      'gw_interface.internet_gw_id->internet_gateway',
      'internet_gateway.downlink_interface_id->ha_interface',
      'ha_router.primary_router_id->edge_router',
    ]) expect(listed).toContain(hop);
  });

  it('mark as secret the params that read a secret field, and those named like one', async () => {
    const facts = factsOf(await catalogOf(defaultCatalogDir), types);
    expect(facts.isSecretParam('gw_interface', 'gw_interface_internet', 'primary_device_password')).toBe(true);
    expect(facts.isSecretParam('gw_interface', 'gw_interface_internet', 'primary_device_username')).toBe(true);
    expect(facts.isSecretParam('ese_device', 'ese_device_new', 'username')).toBe(true);
    expect(facts.isSecretParam('edge_router', 'edge_router_monitoring', 'community_name')).toBe(true);
    expect(facts.isSecretParam('gw_interface', 'gw_interface_internet', 'primary_device_ip')).toBe(false);
    expect(facts.isSecretParam('port', 'port', 'jinja_fixed_ips')).toBe(false);
  });
});
