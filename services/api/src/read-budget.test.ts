// A call's etcd reads are counted and capped; the context finds the running call.
import { describe, expect, it } from 'vitest';
import { callContext, currentCall, runInCall } from './call-context.js';
import { ADMIN } from './caller.js';
import { ReadBudgetExceededError } from './errors.js';
import { readBudget } from './read-budget.js';

describe('read budget', () => {
  it('allows reads up to its limit and refuses the one past it, naming the setting', () => {
    const b = readBudget(5);
    b.charge(3);
    expect(b.remaining()).toBe(2);
    b.charge(2);
    expect(b.remaining()).toBe(0);
    expect(() => b.charge(1)).toThrow(ReadBudgetExceededError);
    expect(() => b.charge(1)).toThrow(/more than 5 keys from etcd \(ESI_API_MAX_READS_PER_CALL\)/);
  });

  it('belongs to the call whose code is running, across awaits, and to no code outside a call', async () => {
    const a = callContext(ADMIN, Date.now() + 10_000, { maxReads: 10 });
    const b = callContext(ADMIN, Date.now() + 10_000, { maxReads: 10 });
    const work = async (n: number): Promise<void> => {
      await new Promise((r) => setTimeout(r, 5));
      currentCall()!.reads.charge(n);
    };
    await Promise.all([runInCall(a, () => work(3)), runInCall(b, () => work(7))]);
    expect([a.reads.used, b.reads.used]).toEqual([3, 7]);
    expect(currentCall()).toBeUndefined();
    a.dispose();
    b.dispose();
  });

  it('is unlimited for a context made without one (streams, background work)', () => {
    const s = callContext(ADMIN, Number.POSITIVE_INFINITY);
    s.reads.charge(1e9);
    expect(s.reads.remaining()).toBe(Number.POSITIVE_INFINITY);
  });
});
