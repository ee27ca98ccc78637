import { describe, expect, it } from 'vitest';
import { ClassifiedError, UNKNOWN_ERRORS_ARE_RETRYABLE, isOutage, isRetryable } from './index.js';

class Permanent extends ClassifiedError {
  readonly retryable = false;
}
class Outage extends ClassifiedError {
  readonly retryable = true;
  readonly outage = true;
}

describe('the retry rule', () => {
  it('takes what an error says of itself', () => {
    expect(isRetryable(new Permanent('bad input'))).toBe(false);
    expect(isRetryable(new Outage('etcd down'))).toBe(true);
  });

  it('gives an error that says nothing the one documented default', () => {
    expect(UNKNOWN_ERRORS_ARE_RETRYABLE).toBe(true);
    expect(isRetryable(new TypeError('fetch failed'))).toBe(UNKNOWN_ERRORS_ARE_RETRYABLE);
    expect(isRetryable('a string')).toBe(UNKNOWN_ERRORS_ARE_RETRYABLE);
    expect(isRetryable(undefined)).toBe(UNKNOWN_ERRORS_ARE_RETRYABLE);
  });

  it('reads through causes, nearest first', () => {
    expect(isRetryable(new Error('wrapped', { cause: new Permanent('inner') }))).toBe(false);
    expect(isOutage(new Error('wrapped', { cause: new Outage('inner') }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('outer'), { retryable: true, cause: new Permanent('inner') }))).toBe(true);
  });

  it('counts only what says outage as an outage', () => {
    expect(isOutage(new Error('connection refused'))).toBe(false);
    expect(isOutage(new Permanent('x'))).toBe(false);
  });

  it('stops on a cause loop', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    a.cause = new Error('b', { cause: a });
    expect(isRetryable(a)).toBe(UNKNOWN_ERRORS_ARE_RETRYABLE);
    expect(isOutage(a)).toBe(false);
  });
});

describe('ClassifiedError', () => {
  it('is named after its class and carries its cause', () => {
    const cause = new Error('inner');
    const e = new Permanent('no', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('Permanent');
    expect(e.cause).toBe(cause);
    expect(String(e)).toBe('Permanent: no');
  });

  it('answers the retry rule, and a wrapper does not hide an outage it wraps', () => {
    expect(isRetryable(new Outage('later'))).toBe(true);
    expect(isRetryable(new Permanent('never'))).toBe(false);
    // Permanent declares no outage of its own, so the one it wraps shows through.
    expect(isOutage(new Permanent('x', { cause: new Outage('etcd') }))).toBe(true);
    expect(isOutage(new Permanent('x'))).toBe(false);
  });
});
