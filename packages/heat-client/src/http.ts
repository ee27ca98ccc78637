/**
 * One JSON exchange over node:http(s), with a time limit and transport failures made
 * typed. node:https rather than fetch because fetch cannot be given a CA bundle
 * (OS_CACERT) without an extra dependency; redirects are never followed (Heat answers
 * a lookup by name with one, and the caller reads its Location instead).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { TransportError } from './errors.js';

export interface HttpResponse {
  readonly status: number;
  /** A response header (lower-case name), e.g. `location`. */
  header(name: string): string | undefined;
  /** Parsed JSON when the body was JSON, else undefined. */
  readonly json: unknown;
  readonly text: string;
  /** `x-openstack-request-id` (Heat, Keystone), if the answer carried one. */
  readonly requestId: string | undefined;
  /** Retry-After in milliseconds, if the answer carried one. */
  readonly retryAfterMs: number | undefined;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly timeoutMs: number;
}

export interface TransportOptions {
  /** PEM CA certificate(s) trusted for https endpoints (OS_CACERT), instead of Node's bundle. */
  readonly caCert?: string;
}

/** Connection pools for http and https; one per client, so the CA applies to its requests only. */
export class HttpTransport {
  private readonly http = new HttpAgent({ keepAlive: true });
  private readonly https: HttpsAgent;

  constructor(options: TransportOptions = {}) {
    this.https = new HttpsAgent({ keepAlive: true, ...(options.caCert ? { ca: options.caCert } : {}) });
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    let answer: { message: IncomingMessage; text: string };
    try {
      answer = await new Promise((resolve, reject) => {
        const req = (secure ? httpsRequest : httpRequest)(
          url,
          { method: request.method, headers, agent: secure ? this.https : this.http, signal: AbortSignal.timeout(request.timeoutMs) },
          (message) => {
            const chunks: Buffer[] = [];
            message.on('data', (chunk: Buffer) => chunks.push(chunk));
            message.on('end', () => resolve({ message, text: Buffer.concat(chunks).toString('utf8') }));
            message.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    } catch (cause) {
      throw new TransportError(`${request.method} ${request.url}: ${describe(cause)}`, { cause });
    }
    const { message, text } = answer;
    const header = (name: string): string | undefined => {
      const value = message.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    };
    return {
      status: message.statusCode ?? 0,
      header,
      json: parseJson(text),
      text,
      requestId: header('x-openstack-request-id') ?? header('openstack-request-id'),
      retryAfterMs: parseRetryAfter(header('retry-after')),
    };
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/** Retry-After as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
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
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError') return 'request timed out';
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}
