import { describe, expect, it } from 'vitest';
import { NON_V2_COLLECTIONS } from '@esi/contracts';
import { loadResourceTypes } from './index.js';

describe('collections outside v2.0', () => {
  it('the key layout in @esi/contracts agrees with resource-types.json for /config collections', () => {
    const types = loadResourceTypes();
    const common = Object.values(types)
      .filter((t) => t.prefix === 'common/v1.0')
      .map((t) => [t.plural, t.prefix]);
    expect(Object.fromEntries(common)).toEqual(NON_V2_COLLECTIONS);
  });
});
