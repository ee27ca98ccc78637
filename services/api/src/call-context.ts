/**
 * What a domain operation knows of its call: the caller, and whether the call is still
 * wanted. Operations call checkpoint() before each write, so a call whose deadline
 * passed (or whose client went away) writes nothing more.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Caller } from './caller.js';
import { CancelledError, DeadlineExceededError } from './errors.js';
import { readBudget, UNLIMITED_READS, type ReadBudget } from './read-budget.js';

export interface CallContext {
  readonly caller: Caller;
  /** Who the caller is for per-caller limits (a tenant, a token's digest, or a peer address). */
  readonly callerKey: string;
  /** Aborted when the deadline passes or the client cancels. */
  readonly signal: AbortSignal;
  /** Absolute deadline in ms since the epoch. */
  readonly deadlineMs: number;
  /** The etcd reads this call may still make (read-budget.ts). */
  readonly reads: ReadBudget;
  /** Throws DeadlineExceededError or CancelledError when the call is no longer wanted. */
  checkpoint(): void;
}

export interface CallOptions {
  /** Keys this call may read from etcd; unlimited when omitted. */
  maxReads?: number;
  callerKey?: string;
  onCancel?: (abort: () => void) => void;
}

export function callContext(caller: Caller, deadlineMs: number, opts: CallOptions = {}): CallContext & { dispose(): void } {
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
  let disposed = false;
  // grpc-js reports every call's stream closing as a cancel, answered calls too: once the
  // call is disposed there is nothing left to stop, so no error is made and no signal fires.
  opts.onCancel?.(() => {
    if (!disposed) abort(new CancelledError('the client cancelled the call'));
  });
  return {
    caller,
    callerKey: opts.callerKey ?? (caller.kind === 'tenant' ? `tenant:${caller.tenant}` : 'admin'),
    signal: controller.signal,
    deadlineMs,
    reads: opts.maxReads === undefined ? UNLIMITED_READS : readBudget(opts.maxReads),
    checkpoint() {
      if (reason) throw reason;
      if (Date.now() >= deadlineMs) {
        abort(new DeadlineExceededError('deadline exceeded'));
        throw reason;
      }
    },
    dispose() {
      disposed = true;
      clearTimeout(timer);
    },
  };
}

/** A context for work that no client waits on (the api's own background tasks). */
export function backgroundContext(caller: Caller): CallContext {
  return { caller, callerKey: 'background', signal: new AbortController().signal, deadlineMs: Number.MAX_SAFE_INTEGER, reads: UNLIMITED_READS, checkpoint() {} };
}

/**
 * The call whose code is running. The store handed to the domain code charges its reads
 * to this call's budget (charged-store.ts), so every read path of a call is counted,
 * including ones added later, without each having to remember to.
 */
const running = new AsyncLocalStorage<CallContext>();

export function runInCall<T>(ctx: CallContext, fn: () => T): T {
  return running.run(ctx, fn);
}

export function currentCall(): CallContext | undefined {
  return running.getStore();
}
