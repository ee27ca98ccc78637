import { describe, expect, it } from 'vitest';
import { KeyedLock } from './index.js';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('KeyedLock', () => {
  it('runs work of one key one at a time, in order, and other keys alongside', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await tick(ms);
      log.push(`${name}:end`);
      return name;
    };
    const results = await Promise.all([lock.run('a', step('a1', 30)), lock.run('a', step('a2', 1)), lock.run('b', step('b1', 5))]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a2:start')).toBeGreaterThan(log.indexOf('a1:end'));
    expect(log.indexOf('b1:end')).toBeLessThan(log.indexOf('a1:end'));
  });

  it('goes on after a failure, whose error reaches its own caller', async () => {
    const lock = new KeyedLock();
    const first = lock.run('a', async () => Promise.reject(new Error('boom')));
    let ran = false;
    const second = lock.run('a', async () => {
      ran = true;
      return 'next';
    });
    await expect(first).rejects.toThrow('boom');
    expect(await second).toBe('next');
    expect(ran).toBe(true);
  });

  it('forgets a key once nothing is queued behind it', async () => {
    const lock = new KeyedLock();
    const held = lock.run('a', () => tick(10));
    expect(lock.busyKeys).toBe(1);
    await held;
    expect(lock.busyKeys).toBe(0);
  });
});
