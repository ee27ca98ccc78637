/**
 * The receiver against the exporter the services use (initTracing → OTLP/HTTP JSON):
 * spans land in the file with parents, links, kinds, status and attributes, a copy goes
 * on to a second endpoint, and printResourceTrace reads them back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, context, initTracing, trace } from '@esi/telemetry';
import { printResourceTrace } from './print-resource-trace.js';
import { readSpanFile } from './span-file.js';
import { startSpanReceiver, type SpanReceiver } from './span-receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'esi-spans-'));
let upstream: SpanReceiver;
let receiver: SpanReceiver;

beforeAll(async () => {
  upstream = await startSpanReceiver({ file: join(dir, 'upstream.jsonl') });
  receiver = await startSpanReceiver({ file: join(dir, 'traces', 'spans.jsonl'), forwardTo: upstream.url });
});

afterAll(async () => {
  await receiver?.close();
  await upstream?.close();
});

describe('span receiver', () => {
  it('keeps what the services export, forwards a copy, and the trace prints from the file', async () => {
    const tracing = initTracing({ serviceName: 'api', otlpEndpoint: receiver.url });
    const { tracer } = tracing;
    const other = tracer.startSpan('process esi.result', { kind: SpanKind.CONSUMER });
    other.end();
    tracer.startActiveSpan('esi.api.v1.ResourceService/CreateResource', { kind: SpanKind.SERVER }, (root) => {
      const send = tracer.startSpan('send esi.config.network', { kind: SpanKind.PRODUCER, attributes: { 'messaging.destination.name': 'esi.config.network.n1', 'messaging.message.body.size': 42 } });
      const ctx = trace.setSpan(context.active(), send);
      const job = tracer.startSpan('dispatch create:heat_worker', { links: [{ context: other.spanContext() }], attributes: { 'esi.job.id': 'j1' } }, ctx);
      job.setStatus({ code: SpanStatusCode.ERROR, message: 'no stack' });
      job.end();
      send.end();
      root.end();
    });
    await tracing.shutdown();

    const spans = await readSpanFile(receiver.file);
    expect(spans.map((s) => s.name).sort()).toEqual(['dispatch create:heat_worker', 'esi.api.v1.ResourceService/CreateResource', 'process esi.result', 'send esi.config.network']);
    const by = (name: string) => spans.find((s) => s.name === name)!;
    const root = by('esi.api.v1.ResourceService/CreateResource');
    expect(root).toMatchObject({ service: 'api', kind: 'server', parentSpanId: '' });
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(by('send esi.config.network')).toMatchObject({ kind: 'producer', parentSpanId: root.spanId, traceId: root.traceId, attributes: { 'messaging.message.body.size': 42 } });
    const job = by('dispatch create:heat_worker');
    expect(job).toMatchObject({ parentSpanId: by('send esi.config.network').spanId, status: 'error', statusMessage: 'no stack' });
    expect(job.links).toEqual([{ traceId: by('process esi.result').traceId, spanId: by('process esi.result').spanId }]);
    expect(job.durationMs).toBeGreaterThanOrEqual(0);

    await expect.poll(async () => (await readSpanFile(join(dir, 'upstream.jsonl'))).length, { timeout: 5_000 }).toBe(4);

    const out: string[] = [];
    expect(await printResourceTrace({ type: 'network', id: 'n1', spanFile: receiver.file, out: (t) => out.push(t) })).toBe(0);
    expect(out[1]).toBe(`trace ${root.traceId} · 3 spans · 1 services (api) · ${out[1]!.split(' · ').at(-1)}`);
    const other2 = by('process esi.result');
    expect(out.join('\n')).toContain(`└─ dispatch create:heat_worker  ERROR: no stack · job j1 · released by api "process esi.result" of trace ${other2.traceId}`);

    const json: string[] = [];
    await printResourceTrace({ type: 'network', id: 'n1', spanFile: receiver.file, json: true, out: (t) => json.push(t) });
    const doc = JSON.parse(json[0]!) as { traceId: string; roots: { name: string; children: { name: string }[] }[] };
    expect(doc.traceId).toBe(root.traceId);
    expect(doc.roots[0]!.children[0]!.name).toBe('send esi.config.network');

    const missing: string[] = [];
    expect(await printResourceTrace({ type: 'network', id: 'nope', spanFile: receiver.file, out: (t) => missing.push(t) })).toBe(1);
    expect(missing[0]).toContain(`no spans of a trace of network nope in ${receiver.file}`);
  });

  it('refuses what it cannot keep', async () => {
    const proto = await fetch(`${receiver.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array([1, 2]) });
    expect(proto.status).toBe(415);
    const bad = await fetch(`${receiver.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(bad.status).toBe(400);
    expect((await fetch(`${receiver.url}/other`)).status).toBe(404);
  });
});
