/**
 * Heat REST API v1: the stack calls the heat-worker needs. Every call carries the
 * session's token; a 401 drops the token and repeats the call once with a new one;
 * requests whose error says "the server's moment" (heat-error-policy.ts: 5xx, 429,
 * transport) are repeated by the one retry loop of retry.ts, honouring Retry-After.
 * Polls are not retried: the poll loop itself asks again.
 */
import { HeatApiError, StackWaitTimeoutError, isRetryable } from './errors.js';
import { errorDetail, type HttpRequest, type HttpResponse, type HttpTransport } from './http.js';
import type { KeystoneSession } from './keystone.js';
import { DEFAULT_RETRY, retryAfterOf, sleep, withRetry, type RetryPolicy } from './retry.js';
import { isInProgress, isSettled, stackFromBody, type HeatStack, type StackAction, type StackSpec } from './stack-types.js';

/** One answered request, for logs: Heat's request id finds it in Heat's own logs. */
export interface HeatExchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly elapsedMs: number;
}

export interface HeatClientOptions {
  readonly requestTimeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Called before each retry of a request, e.g. to log it. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Called for every answer Heat gave (any status), e.g. to log its request id. */
  readonly onResponse?: (exchange: HeatExchange) => void;
}

export interface WaitOptions {
  /** Give up (StackWaitTimeoutError) after this long. */
  readonly timeoutMs: number;
  /** First pause between polls; it grows by half each poll up to `pollMaxMs`. */
  readonly pollMs?: number;
  readonly pollMaxMs?: number;
  /**
   * Extra condition on a settled stack, e.g. "carries my tag": a stack still showing
   * the end of an earlier operation is not the end of this one. `sawProgress` says
   * whether an earlier poll of this wait found the action in progress.
   */
  readonly accept?: (stack: HeatStack, sawProgress: boolean) => boolean;
}

export interface StackFilter {
  /** Stacks carrying every one of these tags (Heat's `tags`). */
  readonly tags?: readonly string[];
  /** Stacks carrying at least one (`tags_any`). */
  readonly tagsAny?: readonly string[];
  readonly notTags?: readonly string[];
  readonly notTagsAny?: readonly string[];
  readonly name?: string;
}

type Method = HttpRequest['method'];

interface CallOptions {
  /** Repeat on a retryable error (default yes); polls say no, the poll loop asks again. */
  readonly retry?: boolean;
}

export class HeatClient {
  private readonly requestTimeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly transport: HttpTransport;

  constructor(
    private readonly session: KeystoneSession,
    private readonly options: HeatClientOptions = {},
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.transport = session.transport;
  }

  /**
   * The live stack of that name, or undefined (Heat forgets deleted stacks by name).
   * Outputs are resolved only when asked for: resolving them costs Heat a walk over
   * every resource's attributes.
   */
  async findStack(name: string, options: { outputs?: boolean } = {}): Promise<HeatStack | undefined> {
    const response = await this.call('GET', `/stacks/${encodeURIComponent(name)}`, undefined, [200, 302, 404]);
    if (response.status === 404) return undefined;
    if (response.status === 200) return stackFromBody(response.json);
    const id = stackIdFromLocation(response.header('location'));
    if (!id) throw new HeatApiError(502, 'BadRedirect', 'redirect without a stack id', `GET /stacks/${name}`, { requestId: response.requestId });
    return this.getStack(name, id, options);
  }

  /**
   * A stack by name and id; deleted stacks show as DELETE_COMPLETE or are gone
   * (undefined). Without `outputs: true` the show asks `resolve_outputs=False`, and the
   * stack comes back with no outputs.
   */
  async getStack(name: string, id: string, options: { outputs?: boolean } & CallOptions = {}): Promise<HeatStack | undefined> {
    const query = options.outputs ? '' : '?resolve_outputs=False';
    const response = await this.call('GET', `${stackPath(name, id)}${query}`, undefined, [200, 404], options);
    return response.status === 404 ? undefined : stackFromBody(response.json);
  }

  /** The project's stacks matching the filter (no outputs). */
  async listStacks(filter: StackFilter = {}): Promise<HeatStack[]> {
    const query = new URLSearchParams();
    if (filter.tags?.length) query.set('tags', filter.tags.join(','));
    if (filter.tagsAny?.length) query.set('tags_any', filter.tagsAny.join(','));
    if (filter.notTags?.length) query.set('not_tags', filter.notTags.join(','));
    if (filter.notTagsAny?.length) query.set('not_tags_any', filter.notTagsAny.join(','));
    if (filter.name !== undefined) query.set('name', filter.name);
    const text = query.toString();
    const response = await this.call('GET', `/stacks${text ? `?${text}` : ''}`, undefined, [200]);
    const stacks = (response.json as { stacks?: unknown[] } | undefined)?.stacks ?? [];
    return stacks.map((stack) => stackFromBody({ stack }));
  }

  /** POST a new stack (rollback disabled, so a failure stays visible with its reason). */
  async createStack(spec: StackSpec): Promise<{ id: string }> {
    const response = await this.call('POST', '/stacks', { stack_name: spec.name, ...stackBody(spec) }, [200, 201]);
    const id = (response.json as { stack?: { id?: unknown } } | undefined)?.stack?.id;
    if (typeof id !== 'string' || id === '') {
      throw new HeatApiError(502, 'BadResponse', 'created without returning the stack id', `POST /stacks (${spec.name})`, { requestId: response.requestId });
    }
    return { id };
  }

  /**
   * PUT the stack's new template, parameters, timeout and tags (a full update: Heat
   * clears the tags of a PUT that names none). Heat's convergence engine accepts this
   * while an operation is in progress and replaces it; the legacy engine answers 409.
   */
  async updateStack(id: string, spec: StackSpec): Promise<void> {
    await this.call('PUT', stackPath(spec.name, id), stackBody(spec), [200, 202]);
  }

  /** DELETE; a stack that is already gone counts as deleted. */
  async deleteStack(name: string, id: string): Promise<void> {
    await this.call('DELETE', stackPath(name, id), undefined, [200, 202, 204, 404]);
  }

  /**
   * Poll until the stack settles in `action` (`<action>_COMPLETE` / `_FAILED`, or a
   * rollback ending; 'ANY': whatever it was doing), backing off between polls. Polls
   * do not resolve outputs; a stack that settled `*_COMPLETE` (not deleted) is shown
   * once more with its outputs. DELETE and ANY also end when the stack is gone (then
   * undefined). A poll that fails for a passing reason (5xx, 429, no connection) is
   * followed by the next poll, after Retry-After if Heat gave one. Throws
   * StackWaitTimeoutError once `timeoutMs` has passed, or the last poll's error when
   * Heat could not be asked at the end.
   */
  async waitForStack(name: string, id: string, action: StackAction | 'ANY', options: WaitOptions): Promise<HeatStack | undefined> {
    const started = Date.now();
    const deadline = started + options.timeoutMs;
    const pollMax = options.pollMaxMs ?? 10_000;
    let pause = options.pollMs ?? 1_000;
    let last = 'unknown';
    let sawProgress = false;
    for (;;) {
      let failure: unknown;
      let stack: HeatStack | undefined;
      try {
        stack = await this.getStack(name, id, { retry: false });
      } catch (error) {
        if (!isRetryable(error)) throw error;
        failure = error;
      }
      if (failure === undefined) {
        if (stack === undefined) {
          if (action === 'DELETE' || action === 'ANY') return undefined;
          throw new HeatApiError(404, 'EntityNotFound', `The Stack (${name}) disappeared while waiting for ${action}`, `GET ${stackPath(name, id)}`);
        }
        last = stack.status;
        if (endsAction(stack.status, action) && (options.accept?.(stack, sawProgress) ?? true)) {
          if (!needsOutputs(stack.status)) return stack;
          // The one show that resolves outputs. Should another operation have begun in
          // between, this is not the end yet: keep polling.
          const full = await this.getStack(name, id, { outputs: true });
          if (full === undefined) return action === 'DELETE' || action === 'ANY' ? undefined : stack;
          if (full.status === stack.status) return full;
          last = full.status;
        }
        sawProgress ||= isInProgress(last) && (action === 'ANY' || last.startsWith(`${action}_`));
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        if (failure !== undefined) throw failure;
        throw new StackWaitTimeoutError(name, last, Date.now() - started);
      }
      await sleep(Math.min(Math.max(pause, retryAfterOf(failure) ?? 0), left));
      pause = Math.min(pollMax, pause * 1.5);
    }
  }

  private async call(method: Method, path: string, body: unknown, ok: readonly number[], options: CallOptions = {}): Promise<HttpResponse> {
    const once = () => this.authorized(method, path, body, ok);
    if (options.retry === false) return once();
    return withRetry(once, this.retry, this.options.onRetry);
  }

  // One request with the current token (issued first if needed: a Keystone failure is
  // retried by the same loop as Heat's). A 401 means the token died early (revoked,
  // Keystone restarted): drop it and try once more with a fresh one.
  private async authorized(method: Method, path: string, body: unknown, ok: readonly number[]): Promise<HttpResponse> {
    for (let tries = 0; ; tries++) {
      const token = await this.session.token();
      const started = Date.now();
      const response = await this.transport.send({
        method,
        url: `${token.orchestrationUrl}${path}`,
        headers: { 'X-Auth-Token': token.id },
        body,
        timeoutMs: this.requestTimeoutMs,
      });
      this.options.onResponse?.({ method, path, status: response.status, requestId: response.requestId, elapsedMs: Date.now() - started });
      if (response.status === 401 && tries === 0) {
        this.session.invalidate(token.id);
        continue;
      }
      if (ok.includes(response.status)) return response;
      const { message, type } = errorDetail(response);
      throw new HeatApiError(response.status, type, message, `${method} ${path.replace(/\?.*$/, '')}`, {
        requestId: response.requestId,
        retryAfterMs: response.retryAfterMs,
      });
    }
  }
}

function stackBody(spec: StackSpec): Record<string, unknown> {
  return {
    template: spec.template,
    parameters: spec.parameters,
    disable_rollback: true,
    ...(spec.timeoutMins !== undefined ? { timeout_mins: spec.timeoutMins } : {}),
    ...(spec.tags !== undefined ? { tags: spec.tags.join(',') } : {}),
  };
}

function stackPath(name: string, id: string): string {
  return `/stacks/${encodeURIComponent(name)}/${encodeURIComponent(id)}`;
}

function stackIdFromLocation(location: string | undefined): string | undefined {
  if (!location) return undefined;
  const path = new URL(location, 'http://placeholder').pathname.replace(/\/+$/, '');
  const last = path.split('/').pop();
  return last ? decodeURIComponent(last) : undefined;
}

// Outputs matter for a stack that exists and got where it was going; a failed stack's
// are not reported and a deleted one has none.
function needsOutputs(status: string): boolean {
  return status.endsWith('_COMPLETE') && status !== 'DELETE_COMPLETE';
}

// Heat ends an action with <ACTION>_COMPLETE or _FAILED; with rollback on (not ours,
// but a stack made by someone else may have it) a failed create/update ends in ROLLBACK_*.
function endsAction(status: string, action: StackAction | 'ANY'): boolean {
  if (!isSettled(status)) return false;
  if (action === 'ANY') return true;
  if (status.startsWith(`${action}_`)) return true;
  return action !== 'DELETE' && status.startsWith('ROLLBACK_');
}
