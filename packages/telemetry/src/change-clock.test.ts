import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, propagation } from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { CHANGE_START_KEY, changeAgeMs, withChangeStart } from './change-clock.js';

describe('change clock', () => {
  it('is stamped once and survives a trip through headers', () => {
    const stamped = withChangeStart(ROOT_CONTEXT, 1_000);
    expect(withChangeStart(stamped, 5_000)).toBe(stamped);
    const headers: Record<string, string> = {};
    const baggage = new W3CBaggagePropagator();
    baggage.inject(stamped, headers, { set: (c, k, v) => void (c[k] = v) });
    expect(headers.baggage).toBe(`${CHANGE_START_KEY}=1000`);
    const received = baggage.extract(ROOT_CONTEXT, headers, { get: (c, k) => c[k], keys: (c) => Object.keys(c) });
    expect(changeAgeMs(received, 3_500)).toBe(2_500);
  });

  it('is undefined outside a change or when garbled', () => {
    expect(changeAgeMs(ROOT_CONTEXT)).toBeUndefined();
    const bad = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ [CHANGE_START_KEY]: { value: 'soon' } }));
    expect(changeAgeMs(bad)).toBeUndefined();
  });
});
