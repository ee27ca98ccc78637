import { describe, expect, it } from 'vitest';
import { KeptCopies } from './kept-copies.js';

describe('kept copies', () => {
  it('keeps the newest copy of a key, drops a key read absent, and forgets the least recently used', () => {
    const kept = new KeptCopies<string>(2);
    kept.saw('a', { value: 'a2', modRevision: '20' });
    // A read that answers after a write must not bring back what the write replaced.
    kept.saw('a', { value: 'a1', modRevision: '9' });
    expect(kept.get('a')).toEqual({ value: 'a2', modRevision: '20' });
    kept.saw('a', { value: 'a3', modRevision: '100' });
    expect(kept.get('a')?.value).toBe('a3');
    kept.saw('a', undefined);
    expect(kept.get('a')).toBeUndefined();
    kept.saw('b', { value: 'b', modRevision: '1' });
    kept.saw('c', { value: 'c', modRevision: '2' });
    kept.get('b');
    kept.saw('d', { value: 'd', modRevision: '3' });
    expect([kept.get('b')?.value, kept.get('c'), kept.get('d')?.value]).toEqual(['b', undefined, 'd']);
    kept.forget('d');
    expect(kept.size).toBe(1);
  });
});
