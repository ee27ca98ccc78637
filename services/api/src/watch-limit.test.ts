// Watches per caller are capped; a slot comes back however the watch ends.
import { describe, expect, it } from 'vitest';
import { TooManyWatchesError } from './errors.js';
import { WatchLimit } from './watch-limit.js';

describe('watch limit', () => {
  it('refuses a caller past its cap, counts callers apart, and frees the slot when a watch ends or fails', async () => {
    const limit = new WatchLimit(2);
    const ends: (() => void)[] = [];
    const open = (key: string): Promise<void> => limit.hold(key, () => new Promise<void>((resolve) => ends.push(resolve)));
    const w1 = open('tenant:a');
    const w2 = open('tenant:a');
    await expect(open('tenant:a')).rejects.toThrow(TooManyWatchesError);
    await expect(open('tenant:a')).rejects.toThrow(/ESI_API_MAX_WATCHES_PER_CALLER/);
    const other = open('tenant:b');
    expect(limit.heldBy('tenant:a')).toBe(2);
    ends[0]!();
    await w1;
    expect(limit.heldBy('tenant:a')).toBe(1);
    await expect(limit.hold('tenant:a', () => Promise.reject(new Error('etcd gone')))).rejects.toThrow('etcd gone');
    expect(limit.heldBy('tenant:a')).toBe(1);
    ends[1]!();
    ends[2]!();
    await Promise.all([w2, other]);
    expect(limit.heldBy('tenant:a') + limit.heldBy('tenant:b')).toBe(0);
  });
});
