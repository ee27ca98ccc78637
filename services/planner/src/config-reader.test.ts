import { describe, expect, it } from 'vitest';
import type { ConfigValue } from '@esi/contracts';
import type { OwnedStore, Versioned } from '@esi/store';
import { ConfigReader, KEPT_PER_EVENT } from './config-reader.js';

/** A store that answers every config at revision 7 and counts the reads. */
function countingStore(): { store: OwnedStore; reads: () => number } {
  let reads = 0;
  const store = {
    read: async (): Promise<Versioned<ConfigValue>> => {
      reads++;
      return { value: { version: 1, body: '{}', marked_for_deletion: false } as ConfigValue, modRevision: '7' };
    },
  } as unknown as OwnedStore;
  return { store, reads: () => reads };
}

describe('the planner’s config reader', () => {
  it('takes kept copies in later events, each a condition of the commit, and no more than its commits can carry', async () => {
    const { store, reads } = countingStore();
    const root = new ConfigReader(store, (t) => `${t}s`);
    const many = KEPT_PER_EVENT + 8;
    const first = root.forEvent();
    for (let i = 0; i < many; i++) await first.getConfig('network', `n${i}`);
    expect([reads(), first.keptExpects()]).toEqual([many, []]);

    const later = root.forEvent();
    for (let i = 0; i < many; i++) await later.getConfig('network', `n${i}`);
    // The copies up to the limit, then reads.
    expect(reads()).toBe(many + 8);
    expect(later.keptExpects()).toHaveLength(KEPT_PER_EVENT);
    expect(later.keptExpects()[0]).toEqual({ key: '/config/v2.0/networks/n0', modRevision: '7' });
    // The resource being planned is read whatever is kept.
    await later.getOwnConfig('network', 'n0');
    expect(reads()).toBe(many + 9);
    expect(later.keptExpects()).toHaveLength(KEPT_PER_EVENT - 1);
  });
});
