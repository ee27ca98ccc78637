/**
 * Heat REST API v1: the stack calls the heat-worker needs. Every call carries the
 * session's token; a 401 drops the token and repeats the call once with a new one;
 * 5xx, 429 and transport failures are retried with backoff (retry.ts).
 */
import { HeatApiError, StackWaitTimeoutError } from './errors.js';
import { errorDetail, sendJson, type HttpRequest, type HttpResponse } from './http.js';
import type { KeystoneSession } from './keystone.js';
import { DEFAULT_RETRY, sleep, withRetry, type RetryPolicy } from './retry.js';
import { isInProgress, isSettled, stackFromBody, type HeatStack, type StackAction, type StackSpec } from './stack-types.js';

export interface HeatClientOptions {
  readonly requestTimeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Called before each retry of a request, e.g. to log it. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
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

type Method = HttpRequest['method'];

export class HeatClient {
  private readonly requestTimeoutMs: number;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly session: KeystoneSession,
    private readonly options: HeatClientOptions = {},
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  /** The live stack of that name, or undefined (Heat forgets deleted stacks by name). */
  async findStack(name: string): Promise<HeatStack | undefined> {
    const response = await this.call('GET', `/stacks/${encodeURIComponent(name)}`, undefined, [200, 302, 404]);
    if (response.status === 404) return undefined;
    if (response.status === 200) return stackFromBody(response.json);
    const id = stackIdFromLocation(response.headers.get('location'));
    if (!id) throw new HeatApiError(502, 'BadRedirect', 'redirect without a stack id', `GET /stacks/${name}`);
    return this.getStack(name, id);
  }

  /** A stack by name and id; deleted stacks show as DELETE_COMPLETE or are gone (undefined). */
  async getStack(name: string, id: string): Promise<HeatStack | undefined> {
    const response = await this.call('GET', stackPath(name, id), undefined, [200, 404]);
    return response.status === 404 ? undefined : stackFromBody(response.json);
  }

  /** POST a new stack (rollback disabled, so a failure stays visible with its reason). */
  async createStack(spec: StackSpec): Promise<{ id: string }> {
    const response = await this.call(
      'POST',
      '/stacks',
      {
        stack_name: spec.name,
        template: spec.template,
        parameters: spec.parameters,
        disable_rollback: true,
        ...(spec.timeoutMins !== undefined ? { timeout_mins: spec.timeoutMins } : {}),
        ...(spec.tags !== undefined ? { tags: spec.tags.join(',') } : {}),
      },
      [200, 201],
    );
    const id = (response.json as { stack?: { id?: unknown } } | undefined)?.stack?.id;
    if (typeof id !== 'string' || id === '') throw new HeatApiError(502, 'BadResponse', 'created without returning the stack id', `POST /stacks (${spec.name})`);
    return { id };
  }

  /** PUT the stack's new template, parameters, timeout and tags (a full update). */
  async updateStack(id: string, spec: StackSpec): Promise<void> {
    await this.call(
      'PUT',
      stackPath(spec.name, id),
      {
        template: spec.template,
        parameters: spec.parameters,
        disable_rollback: true,
        ...(spec.timeoutMins !== undefined ? { timeout_mins: spec.timeoutMins } : {}),
        ...(spec.tags !== undefined ? { tags: spec.tags.join(',') } : {}),
      },
      [200, 202],
    );
  }

  /** DELETE; a stack that is already gone counts as deleted. */
  async deleteStack(name: string, id: string): Promise<void> {
    await this.call('DELETE', stackPath(name, id), undefined, [200, 202, 204, 404]);
  }

  /**
   * Poll until the stack settles in `action` (`<action>_COMPLETE` / `_FAILED`, or a
   * rollback ending; 'ANY': whatever it was doing), backing off between polls. DELETE
   * and ANY also end when the stack is gone (then undefined). Throws
   * StackWaitTimeoutError once `timeoutMs` has passed.
   */
  async waitForStack(name: string, id: string, action: StackAction | 'ANY', options: WaitOptions): Promise<HeatStack | undefined> {
    const started = Date.now();
    const deadline = started + options.timeoutMs;
    const pollMax = options.pollMaxMs ?? 10_000;
    let pause = options.pollMs ?? 1_000;
    let last = 'unknown';
    let sawProgress = false;
    for (;;) {
      const stack = await this.getStack(name, id);
      if (stack === undefined) {
        if (action === 'DELETE' || action === 'ANY') return undefined;
        throw new HeatApiError(404, 'EntityNotFound', `The Stack (${name}) disappeared while waiting for ${action}`, `GET ${stackPath(name, id)}`);
      }
      last = stack.status;
      if (endsAction(stack.status, action) && (options.accept?.(stack, sawProgress) ?? true)) return stack;
      sawProgress ||= isInProgress(stack.status) && (action === 'ANY' || stack.status.startsWith(`${action}_`));
      const left = deadline - Date.now();
      if (left <= 0) throw new StackWaitTimeoutError(name, last, Date.now() - started);
      await sleep(Math.min(pause, left));
      pause = Math.min(pollMax, pause * 1.5);
    }
  }

  private async call(method: Method, path: string, body: unknown, ok: readonly number[]): Promise<HttpResponse> {
    return withRetry(() => this.authorized(method, path, body, ok), this.retry, this.options.onRetry);
  }

  // One request with the current token; a 401 means the token died early (revoked,
  // Keystone restarted): drop it and try once more with a fresh one.
  private async authorized(method: Method, path: string, body: unknown, ok: readonly number[]): Promise<HttpResponse> {
    for (let tries = 0; ; tries++) {
      const token = await this.session.token();
      const response = await sendJson({
        method,
        url: `${token.orchestrationUrl}${path}`,
        headers: { 'X-Auth-Token': token.id },
        body,
        timeoutMs: this.requestTimeoutMs,
      });
      if (response.status === 401 && tries === 0) {
        this.session.invalidate(token.id);
        continue;
      }
      if (ok.includes(response.status)) return response;
      const { message, type } = errorDetail(response);
      throw new HeatApiError(response.status, type, message, `${method} ${path}`);
    }
  }
}

function stackPath(name: string, id: string): string {
  return `/stacks/${encodeURIComponent(name)}/${encodeURIComponent(id)}`;
}

function stackIdFromLocation(location: string | null): string | undefined {
  if (!location) return undefined;
  const path = new URL(location, 'http://placeholder').pathname.replace(/\/+$/, '');
  const last = path.split('/').pop();
  return last ? decodeURIComponent(last) : undefined;
}

// Heat ends an action with <ACTION>_COMPLETE or _FAILED; with rollback on (not ours,
// but a stack made by someone else may have it) a failed create/update ends in ROLLBACK_*.
function endsAction(status: string, action: StackAction | 'ANY'): boolean {
  if (!isSettled(status)) return false;
  if (action === 'ANY') return true;
  if (status.startsWith(`${action}_`)) return true;
  return action !== 'DELETE' && status.startsWith('ROLLBACK_');
}
