import { describe, expect, it } from 'vitest';
import {
  loadRelations,
  loadResourceTypes,
  pluralOf,
  prefixOf,
  templateMappingOf,
  typeOfPlural,
} from './resource-types.js';
import { referenceRelations, referenceSchemas } from './test-support/reference.js';

describe('resource-types.json', () => {
  const types = loadResourceTypes();

  it('has every type of the relation table, tenant included', () => {
    expect(Object.keys(types).sort()).toEqual(Object.keys(referenceRelations()).sort());
    expect(types.tenant).toMatchObject({ plural: 'tenants', prefix: 'common/v1.0', template_mappings: {} });
  });

  const G1_LACKS: Record<string, string[]> = { quota: ['azure_gateway', 'gcp_gateway'] };

  it('takes plurals, key prefixes and required fields from the API schemas', () => {
    for (const schema of referenceSchemas()) {
      const entry = types[schema.id];
      expect(entry?.plural, schema.id).toBe(schema.plural);
      expect(`/${prefixOf(schema.id)}/${schema.plural}`, schema.id).toBe(schema.prefix);
      // The schemas are a later generation: G1 bodies lack a few fields they require
      // (the recorded quota has no azure_gateway / gcp_gateway). G1 data wins.
      const laterOnly = G1_LACKS[schema.id] ?? [];
      expect(entry?.required, schema.id).toEqual((schema.schema?.required ?? []).filter((f: string) => !laterOnly.includes(f)));
    }
  });

  it('follows the G1 runtime: the mappings the ResourceReader really used', () => {
    // Non-workable in every G1 run although a template exists (esi-reference §4.2).
    for (const type of ['qos_option', 'common_function', 'internet_service', 'public_ip_pool', 'physical_port']) {
      expect(types[type]?.template_mappings, type).toEqual({});
    }
    // Monitoring-only in G1.
    for (const type of ['edge_router', 'er_physical_interface', 'ha_router', 'ha_interface']) {
      expect(Object.keys(types[type]?.template_mappings ?? {}), type).toEqual(['monitoring_worker']);
    }
    // Heat-only in G1.
    for (const type of ['subnet', 'public_ip', 'static_route']) {
      expect(Object.keys(types[type]?.template_mappings ?? {}), type).toEqual(['heat_worker']);
    }
    expect(templateMappingOf('gw_interface', 'heat_worker')).toBe('ACgw_interface_&Pservice_type');
    expect(templateMappingOf('ese_device', 'heat_worker')).toBe('ACese_device_&Pexisting');
    expect(templateMappingOf('port', 'heat_worker')).toEqual({
      if_mapping: { regexp: [{ field: 'device_owner' }, { constant: 'network:dhcp|network:empty' }] },
      then_mapping: { constant: null },
      else_mapping: { constant: 'port' },
    });
  });
});

describe('relations.json', () => {
  it('is the foreign-key table of the API schemas', () => {
    const fromSchemas = Object.fromEntries(
      referenceSchemas().map((s) => [
        s.id,
        Object.fromEntries(
          Object.entries(s.schema?.properties ?? {})
            .filter(([, p]) => typeof p.relation === 'string')
            .map(([field, p]) => [field, p.relation]),
        ),
      ]),
    );
    expect(loadRelations()).toEqual(fromSchemas);
  });

  it('only points at known types', () => {
    const types = loadResourceTypes();
    for (const [type, fks] of Object.entries(loadRelations())) {
      for (const target of Object.values(fks)) expect(types[target], `${type} -> ${target}`).toBeDefined();
    }
  });
});

describe('plural lookups', () => {
  it('round-trip every type whose plural is unique', () => {
    const types = loadResourceTypes();
    for (const type of Object.keys(types)) {
      if (type === 'extension') continue; // shares "extensions" with neutron_extension
      expect(typeOfPlural(pluralOf(type)), type).toBe(type);
    }
  });

  it('prefer the /config types on a shared plural and report unknown ones', () => {
    expect(typeOfPlural('extensions')).toBe('neutron_extension');
    expect(typeOfPlural('ese_logical_ports')).toBe('ese_logical_port');
    expect(typeOfPlural('nothing_here')).toBeUndefined();
    expect(() => pluralOf('nothing_here')).toThrow(/unknown resource type/);
  });
});
