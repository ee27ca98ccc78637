/**
 * The Jaeger source against an HTTP server answering in the shape of Jaeger's query API
 * (/api/traces/<id> and /api/traces?service=…&tags=…, as the Jaeger UI calls them).
 * No Jaeger runs here; the compose stack's Jaeger is the real counterpart.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JaegerSource } from './jaeger.js';
import { printResourceTrace } from './print-resource-trace.js';

const TRACE = 'abcdef0123456789abcdef0123456789';
const jaegerTrace = {
  traceID: TRACE,
  processes: { p1: { serviceName: 'api' }, p2: { serviceName: 'planner' } },
  spans: [
    {
      traceID: TRACE, spanID: '1111111111111111', operationName: 'esi.api.v1.ResourceService/CreateResource', references: [],
      startTime: 1_700_000_000_000_000, duration: 9_000, processID: 'p1',
      tags: [{ key: 'span.kind', type: 'string', value: 'server' }, { key: 'rpc.method', type: 'string', value: 'CreateResource' }],
    },
    {
      traceID: TRACE, spanID: '2222222222222222', operationName: 'send esi.config.network',
      references: [{ refType: 'CHILD_OF', traceID: TRACE, spanID: '1111111111111111' }],
      startTime: 1_700_000_000_004_000, duration: 1_000, processID: 'p1',
      tags: [{ key: 'span.kind', type: 'string', value: 'producer' }, { key: 'messaging.destination.name', type: 'string', value: 'esi.config.network.n1' }],
    },
    {
      traceID: TRACE, spanID: '3333333333333333', operationName: 'dispatch create:heat_worker',
      references: [
        { refType: 'CHILD_OF', traceID: TRACE, spanID: '2222222222222222' },
        { refType: 'FOLLOWS_FROM', traceID: 'ffff', spanID: '9999999999999999' },
      ],
      startTime: 1_700_000_000_010_000, duration: 2_000, processID: 'p2',
      tags: [{ key: 'otel.status_code', type: 'string', value: 'ERROR' }, { key: 'otel.status_description', type: 'string', value: 'boom' }, { key: 'esi.job.id', type: 'string', value: 'j1' }],
    },
  ],
};

let server: Server;
let url: string;
const asked: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    const u = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (u.pathname === `/api/traces/${TRACE}`) res.end(JSON.stringify({ data: [jaegerTrace] }));
    else if (u.pathname === '/api/traces' && u.searchParams.get('service') === 'api') res.end(JSON.stringify({ data: [jaegerTrace] }));
    else if (u.pathname === '/api/traces') res.end(JSON.stringify({ data: [] }));
    else res.writeHead(404).end(JSON.stringify({ data: null, errors: [{ code: 404, msg: 'trace not found' }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('JaegerSource', () => {
  it('turns references into parents and links, tags into kind, status and attributes', async () => {
    const spans = await new JaegerSource(url).trace(TRACE);
    expect(spans).toHaveLength(3);
    const [root, send, job] = spans;
    expect(root).toMatchObject({ service: 'api', kind: 'server', parentSpanId: '', startMs: 1_700_000_000_000, durationMs: 9, attributes: { 'rpc.method': 'CreateResource' } });
    expect(send).toMatchObject({ kind: 'producer', parentSpanId: root!.spanId });
    expect(job).toMatchObject({ service: 'planner', status: 'error', statusMessage: 'boom', links: [{ traceId: 'ffff', spanId: '9999999999999999' }] });
    expect(job!.attributes).toEqual({ 'esi.job.id': 'j1' });
    expect(await new JaegerSource(url).trace('0000')).toEqual([]);
  });

  it('finds a resource’s latest change by the api’s send on its config subject, and prints it', async () => {
    asked.length = 0;
    const out: string[] = [];
    expect(await printResourceTrace({ type: 'network', id: 'n1', jaegerUrl: url, out: (t) => out.push(t) })).toBe(0);
    const search = new URL(asked[0]!, 'http://x');
    expect(search.searchParams.get('service')).toBe('api');
    expect(JSON.parse(search.searchParams.get('tags')!)).toEqual({ 'messaging.destination.name': 'esi.config.network.n1' });
    expect(out[1]).toContain(`trace ${TRACE} · 3 spans · 2 services (api, planner)`);
    expect(out.at(-1)).toBe(`in Jaeger: ${url}/trace/${TRACE}`);
    expect(out.join('\n')).toContain('└─ dispatch create:heat_worker  ERROR: boom · job j1 · linked to trace ffff span 9999999999999999');
  });
});
