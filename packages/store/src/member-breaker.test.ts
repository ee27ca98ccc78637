import { describe, expect, it } from 'vitest';
import { isBrokenCircuitError } from 'cockatiel';
import { GRPCUnavailableError } from 'etcd3';
import { memberBreaker } from './member-breaker.js';

const dropped = () => new GRPCUnavailableError('14 UNAVAILABLE: Connection dropped');

describe('memberBreaker', () => {
  it('opens after three failed calls in a row, as etcd3’s own breaker does', async () => {
    const policy = memberBreaker();
    for (let i = 0; i < 3; i++) await expect(policy.execute(() => Promise.reject(dropped()))).rejects.toBeInstanceOf(GRPCUnavailableError);
    const blocked = await policy.execute(() => Promise.resolve('answer')).catch((err: unknown) => err);
    expect(isBrokenCircuitError(blocked)).toBe(true);
  });

  it('does not open on streams reported as failed (etcd3 reports them with a function that throws at once)', async () => {
    const policy = memberBreaker();
    for (let i = 0; i < 5; i++) {
      await expect(
        policy.execute(() => {
          throw dropped();
        }),
      ).rejects.toBeInstanceOf(GRPCUnavailableError);
    }
    expect(await policy.execute(() => Promise.resolve('answer'))).toBe('answer');
  });
});
