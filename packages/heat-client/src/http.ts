/** One JSON exchange over fetch, with a time limit and transport failures made typed. */
import { TransportError } from './errors.js';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the body was JSON, else undefined. */
  readonly json: unknown;
  readonly text: string;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly timeoutMs: number;
}

export async function sendJson(request: HttpRequest): Promise<HttpResponse> {
  const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      // Heat answers a lookup by name with a redirect; the caller reads its Location
      // instead of following it to whatever host Heat put there.
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (cause) {
    throw new TransportError(`${request.method} ${request.url}: ${describe(cause)}`, { cause });
  }
  return { status: response.status, headers: response.headers, json: parseJson(text), text };
}

/** The human part of an OpenStack error body (Heat's `error.message`, Keystone's too). */
export function errorDetail(response: HttpResponse): { message: string; type: string } {
  const body = response.json as { error?: { message?: unknown; type?: unknown; title?: unknown }; explanation?: unknown } | undefined;
  const message = typeof body?.error?.message === 'string' ? body.error.message : undefined;
  const type = typeof body?.error?.type === 'string' ? body.error.type : typeof body?.error?.title === 'string' ? body.error.title : '';
  return {
    message: message ?? (typeof body?.explanation === 'string' ? body.explanation : response.text.slice(0, 500) || `HTTP ${response.status}`),
    type,
  };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    // fetch wraps the socket error in `cause`; that is the useful part.
    const inner = (cause as { cause?: unknown }).cause;
    const innerText = inner instanceof Error ? inner.message : undefined;
    if (cause.name === 'TimeoutError') return 'request timed out';
    return innerText ? `${cause.message} (${innerText})` : cause.message;
  }
  return String(cause);
}
