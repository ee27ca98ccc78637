import { describe, expect, it } from 'vitest';
import { RecentMap } from './index.js';

describe('RecentMap', () => {
  it('forgets the least recently used past its bound; a get counts as a use', () => {
    const m = new RecentMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a')).toBe(1);
    m.set('c', 3);
    expect([m.get('a'), m.get('b'), m.get('c')]).toEqual([1, undefined, 3]);
    expect(m.size).toBe(2);
  });

  it('keeps an undefined value apart from a missing key, and refuses a bound below one', () => {
    const m = new RecentMap<string, number | undefined>(1);
    m.set('a', undefined);
    expect(m.size).toBe(1);
    m.delete('a');
    expect(m.size).toBe(0);
    expect(() => new RecentMap(0)).toThrow(RangeError);
  });
});
