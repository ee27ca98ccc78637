/**
 * The console's HTTP edge: the built page, and /api/* translated to the api's gRPC calls
 * with the caller's bearer token passed on (api-calls.ts). It listens on loopback unless
 * told otherwise (ESI_CONSOLE_ADDR), like every other port of the stack.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { credentials } from '@grpc/grpc-js';
import { api } from '@esi/contracts';
import { CallerApi, type ResourceClient } from './api-calls.js';
import { errorBody, httpStatusOf, isServiceError } from './grpc-errors.js';
import { BadRequest, findRoute } from './routes.js';
import { SECURITY_HEADERS, serveStatic } from './static-files.js';
import { TraceSource, type TraceSourceOptions } from './trace-source.js';
import { WEB_DIST } from './web-build.js';

export interface ConsoleEdgeOptions extends TraceSourceOptions {
  /** The api's gRPC address. */
  apiAddr: string;
  /** Reach the api over TLS; `ca` (PEM) when its certificate is not from a public CA. */
  apiTls?: { ca?: Buffer };
  /** host:port to listen on (port 0: a free one). Default 127.0.0.1:0. */
  listen?: string;
  /** The built front end (default: the package's dist/web). */
  webRoot?: string;
  /** Called with each request that failed inside the edge itself (not api refusals). */
  onProblem?: (message: string) => void;
}

export interface ConsoleEdge {
  url: string;
  close(): Promise<void>;
}

/**
 * Every call but a GET must carry this header. A page of another site can make a browser
 * send a plain POST here (a form) but not one with a custom header without asking first,
 * and the edge never says yes (no CORS): so another site cannot retry or change
 * resources with the browser's access, which matters most when the api is open.
 */
export const CSRF_HEADER = 'x-esi-console';
const CSRF_VALUE = '1';

/** Request bodies (a resource body for a plan or an update) are small; the api caps them at 256 KiB. */
const MAX_BODY = 1024 * 1024;

export function parseListen(addr: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(addr);
  if (!m || Number(m[2]) > 65535) throw new Error(`console address must be host:port, got "${addr}"`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export async function startConsoleEdge(opts: ConsoleEdgeOptions): Promise<ConsoleEdge> {
  const creds = opts.apiTls ? credentials.createSsl(opts.apiTls.ca ?? null) : credentials.createInsecure();
  const client = new api.ResourceServiceClient(opts.apiAddr, creds);
  const traces = new TraceSource(opts);
  const webRoot = opts.webRoot ?? WEB_DIST;
  const { host, port } = parseListen(opts.listen ?? '127.0.0.1:0');
  const loopbackOnly = isLoopbackHost(host.includes(':') ? `[${host}]` : host);
  const server = createServer((req, res) => {
    handle(req, res, client, traces, webRoot, loopbackOnly).catch((err: unknown) => {
      opts.onProblem?.(`${req.method} ${req.url}: ${String(err)}`);
      if (!res.headersSent) json(res, 500, { error: { code: 'INTERNAL', message: 'the console edge failed; see its log', field: null } });
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const shownHost = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    url: `http://${shownHost}:${a.port}/`,
    close: () => closeServer(server, client),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, client: ResourceClient, traces: TraceSource, webRoot: string, loopbackOnly: boolean): Promise<void> {
  // Listening on loopback, the edge answers only to loopback names: a site whose name was
  // made to point at 127.0.0.1 (DNS rebinding) gets nothing from it.
  if (loopbackOnly && !isLoopbackHost(req.headers.host)) {
    return json(res, 421, { error: { code: 'PERMISSION_DENIED', message: 'this console answers to 127.0.0.1, localhost or [::1] only', field: null } });
  }
  const url = new URL(req.url ?? '/', 'http://console.invalid');
  if (!url.pathname.startsWith('/api/')) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: req.method ?? '', field: null } });
    return serveStatic(webRoot, url.pathname, res);
  }
  if (req.method !== 'GET' && req.headers[CSRF_HEADER] !== CSRF_VALUE) {
    return json(res, 403, { error: { code: 'PERMISSION_DENIED', message: `a change needs the ${CSRF_HEADER} header the console's page sends`, field: null } });
  }
  const route = findRoute(req.method ?? 'GET', url.pathname);
  if (route === undefined) return json(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${url.pathname}`, field: null } });
  if (route === 'wrong method') return json(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${req.method} ${url.pathname}`, field: null } });
  const calls = new CallerApi(client, bearerOf(req));
  try {
    const answer = await route.handle({ calls, url, req, res, traces, body: () => readJsonBody(req) }, route.params);
    if (answer !== undefined) json(res, 200, answer);
  } catch (err) {
    if (isServiceError(err)) return json(res, httpStatusOf(err), errorBody(err));
    if (err instanceof BadRequest) return json(res, 400, { error: { code: 'INVALID_ARGUMENT', message: err.message, field: null } });
    throw err;
  }
}

export function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const name = hostHeader.replace(/:\d+$/, '').toLowerCase();
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** Only a bearer token is passed on; anything else in the header is not ours to forward. */
function bearerOf(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h && /^Bearer \S+$/.test(h) ? h : undefined;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(JSON.stringify(value));
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BadRequest(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequest('the request body is not JSON');
  }
}

async function closeServer(server: Server, client: ResourceClient): Promise<void> {
  // Open watch streams would hold close() forever; they end with their connections.
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  client.close();
}
