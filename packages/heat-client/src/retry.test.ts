import { describe, expect, it } from 'vitest';
import { HeatApiError } from './errors.js';
import { retryDelayMs, withRetry } from './retry.js';

describe('retry with backoff and jitter', () => {
  it('doubles the ceiling per attempt up to the cap, and jitters within its upper half', () => {
    const policy = { attempts: 5, baseMs: 100, maxMs: 300 };
    expect(retryDelayMs(1, { ...policy, random: () => 0 })).toBe(50);
    expect(retryDelayMs(1, { ...policy, random: () => 1 })).toBe(100);
    expect(retryDelayMs(2, { ...policy, random: () => 1 })).toBe(200);
    expect(retryDelayMs(5, { ...policy, random: () => 0.5 })).toBe(225);
    const spread = new Set(Array.from({ length: 20 }, () => retryDelayMs(3, policy)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('retries retryable errors until the attempts run out, and never retries the others', async () => {
    let calls = 0;
    const policy = { attempts: 3, baseMs: 1, maxMs: 2 };
    await expect(
      withRetry(async () => {
        calls += 1;
        throw new HeatApiError(503, '', 'busy', 'GET /stacks');
      }, policy),
    ).rejects.toMatchObject({ status: 503, retryable: true });
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      withRetry(async () => {
        calls += 1;
        throw new HeatApiError(400, 'StackValidationFailed', 'bad', 'POST /stacks');
      }, policy),
    ).rejects.toMatchObject({ status: 400, retryable: false });
    expect(calls).toBe(1);

    calls = 0;
    const value = await withRetry(async (attempt) => {
      calls += 1;
      if (attempt < 2) throw new HeatApiError(502, '', 'gateway', 'GET /stacks');
      return 'ok';
    }, policy);
    expect(value).toBe('ok');
    expect(calls).toBe(2);
  });
});
