/**
 * A call's context stops its work when the client cancels, and only while the call runs:
 * grpc-js reports every stream's close as a cancel, after the answer too.
 */
import { describe, expect, it } from 'vitest';
import { callContext } from './call-context.js';
import { ADMIN } from './caller.js';
import { CancelledError } from './errors.js';

function withCancel(): { ctx: ReturnType<typeof callContext>; cancel: () => void } {
  let cancel: () => void = () => undefined;
  const ctx = callContext(ADMIN, Date.now() + 60_000, { onCancel: (abort) => (cancel = abort) });
  return { ctx, cancel: () => cancel() };
}

describe('call context', () => {
  it('aborts with CancelledError when the client cancels a running call', () => {
    const { ctx, cancel } = withCancel();
    cancel();
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBeInstanceOf(CancelledError);
    expect(() => ctx.checkpoint()).toThrow(CancelledError);
    ctx.dispose();
  });

  it('ignores the cancel grpc-js reports once the call was answered and disposed', () => {
    const { ctx, cancel } = withCancel();
    let fired = 0;
    ctx.signal.addEventListener('abort', () => fired++);
    ctx.dispose();
    cancel();
    expect(ctx.signal.aborted).toBe(false);
    expect(fired).toBe(0);
  });
});
