/**
 * What a domain operation knows of its call: the caller, and whether the call is still
 * wanted. Operations call checkpoint() before each write, so a call whose deadline
 * passed (or whose client went away) writes nothing more.
 */
import type { Caller } from './caller.js';
import { CancelledError, DeadlineExceededError } from './errors.js';

export interface CallContext {
  readonly caller: Caller;
  /** Aborted when the deadline passes or the client cancels. */
  readonly signal: AbortSignal;
  /** Absolute deadline in ms since the epoch. */
  readonly deadlineMs: number;
  /** Throws DeadlineExceededError or CancelledError when the call is no longer wanted. */
  checkpoint(): void;
}

export function callContext(caller: Caller, deadlineMs: number, onCancel?: (abort: () => void) => void): CallContext & { dispose(): void } {
  const controller = new AbortController();
  let reason: Error | undefined;
  const abort = (err: Error): void => {
    if (reason) return;
    reason = err;
    controller.abort(err);
  };
  const wait = Math.max(0, deadlineMs - Date.now());
  // A stream without a deadline has none; setTimeout cannot wait longer than 2^31-1 ms.
  const timer = Number.isFinite(deadlineMs) && wait < 2 ** 31 ? setTimeout(() => abort(new DeadlineExceededError('deadline exceeded')), wait) : undefined;
  onCancel?.(() => abort(new CancelledError('the client cancelled the call')));
  return {
    caller,
    signal: controller.signal,
    deadlineMs,
    checkpoint() {
      if (reason) throw reason;
      if (Date.now() >= deadlineMs) {
        abort(new DeadlineExceededError('deadline exceeded'));
        throw reason;
      }
    },
    dispose() {
      clearTimeout(timer);
    },
  };
}

/** A context for work that no client waits on (the api's own background tasks). */
export function backgroundContext(caller: Caller): CallContext {
  return { caller, signal: new AbortController().signal, deadlineMs: Number.MAX_SAFE_INTEGER, checkpoint() {} };
}
