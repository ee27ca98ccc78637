/**
 * A small OTLP/HTTP receiver (JSON, POST /v1/traces) that keeps every span in a
 * SpanFile, so `esictl trace` works without Jaeger. With `forwardTo` it also passes each
 * request on unchanged to another OTLP/HTTP endpoint (Jaeger, a collector), so the
 * local stack can feed a tracing UI and still keep its own copy.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spansFromOtlpJson, type ExportTraceRequest } from './otlp-json.js';
import { SpanFile } from './span-file.js';

export interface SpanReceiverOptions {
  /** The JSON-lines file spans are appended to. */
  file: string;
  /** Base URL of another OTLP/HTTP endpoint to copy every request to. */
  forwardTo?: string;
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
  maxFileBytes?: number;
  /** Told about a failed forward (at most once a minute) or a bad request. */
  onProblem?: (message: string) => void;
}

export interface SpanReceiver {
  /** Base URL to use as OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  file: string;
  close(): Promise<void>;
}

export async function startSpanReceiver(opts: SpanReceiverOptions): Promise<SpanReceiver> {
  const store = new SpanFile(opts.file, opts.maxFileBytes);
  const forwardUrl = opts.forwardTo ? `${opts.forwardTo.replace(/\/$/, '')}/v1/traces` : undefined;
  let lastComplaint = 0;
  const problem = (message: string): void => {
    if (Date.now() - lastComplaint < 60_000) return;
    lastComplaint = Date.now();
    opts.onProblem?.(message);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const body = await readBody(req);
      const type = String(req.headers['content-type'] ?? '');
      if (forwardUrl) forward(forwardUrl, body, type).catch((err: Error) => problem(`forwarding spans to ${forwardUrl} failed: ${err.message}`));
      if (!type.includes('json')) {
        // Only JSON is kept; the forward above still carried a protobuf request on.
        res.writeHead(415, { 'content-type': 'application/json' }).end('{"error":"send OTLP/HTTP JSON"}');
        return;
      }
      try {
        await store.append(spansFromOtlpJson(JSON.parse(body.toString('utf8')) as ExportTraceRequest));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (err) {
        problem(`spans not kept: ${(err as Error).message}`);
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${addr.port}`,
    file: opts.file,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function forward(url: string, body: Buffer, contentType: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType || 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
}
