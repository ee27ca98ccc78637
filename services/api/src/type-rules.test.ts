import { describe, expect, it } from 'vitest';
import { loadResourceTypes, type ResourceTypes } from '@esi/catalog';
import { TypeRegistry } from './type-rules.js';

describe('the type stored under a plural', () => {
  it('is the v2.0 type where an older one shares its plural, and every catalog plural has one', () => {
    const types = {
      port_v1: { plural: 'ports', prefix: '/v1.0' },
      port: { plural: 'ports' },
      old_only: { plural: 'olds', prefix: '/v1.0' },
      older_only: { plural: 'olds', prefix: '/v0.9' },
    } as unknown as ResourceTypes;
    const registry = new TypeRegistry(types, {});
    expect([registry.typeOfPlural('ports'), registry.typeOfPlural('olds'), registry.typeOfPlural('nothing')]).toEqual(['port', 'old_only', undefined]);

    const catalog = loadResourceTypes();
    const real = new TypeRegistry(catalog, {});
    for (const [type, entry] of Object.entries(catalog)) {
      const named = real.typeOfPlural(entry.plural)!;
      expect(catalog[named]!.plural, type).toBe(entry.plural);
      if (!entry.prefix) expect(catalog[named]!.prefix, type).toBeUndefined();
    }
  });
});
