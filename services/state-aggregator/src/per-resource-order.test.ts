import { describe, expect, it } from 'vitest';
import { PerResourceOrder } from './per-resource-order.js';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('PerResourceOrder', () => {
  it('runs one resource in order, other resources alongside', async () => {
    const order = new PerResourceOrder();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
    };
    await Promise.all([order.run('a', task('a1', 30)), order.run('a', task('a2', 1)), order.run('b', task('b1', 5))]);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
  });

  it('a failed fold does not stop the next one of its resource, and its error reaches its caller', async () => {
    const order = new PerResourceOrder();
    const first = order.run('a', async () => {
      throw new Error('conflict');
    });
    let ran = false;
    const second = order.run('a', async () => {
      ran = true;
    });
    await expect(first).rejects.toThrow('conflict');
    await second;
    expect(ran).toBe(true);
  });
});
