/**
 * What the messaging edges report, against a real nats-server: every outcome counted
 * once (ack, retry, parked), publishes by subject family, the backlog gauge, the change
 * start carried as baggage, and a trace_id/span_id on every log line written while a
 * message is handled.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { STREAMS, events } from '@esi/contracts';
import { startNats, type RunningServer } from '@esi/test-servers';
import { changeAgeMs, createLogger, initTracing, metricsRegistry } from '@esi/telemetry';
import { PermanentError, Publisher, RetryableError, connectMessaging, ensureStreams, startConsumer, type Messaging } from './index.js';

let nats: RunningServer;
let m: Messaging;
const tracing = initTracing({ serviceName: 'test', otlpEndpoint: '' });
const lines: Record<string, unknown>[] = [];
const log = createLogger('test', 'info', { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });

beforeAll(async () => {
  nats = await startNats(mkdtempSync(join(tmpdir(), 'esi-nats-')));
  // Connected as a service, so the consumer parks messages in ESI_DEAD.
  m = await connectMessaging([nats.url], 'planner');
  await ensureStreams(m.jsm, '');
});

afterAll(async () => {
  await m?.nc.close();
  await nats?.stop();
  await tracing.shutdown();
});

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const got = await metricsRegistry.getSingleMetric(name)!.get();
  return got.values
    .filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

const changed = (type: string, id: string): Uint8Array =>
  events.ResourceChanged.encode({ resourceType: type, resourceId: id, version: 1, markedForDeletion: false, acceptedAtMs: 0, removed: false, retry: false, configJson: '', configRevision: '' }).finish();

async function until(what: string, done: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('messaging metrics and logs', () => {
  it('counts each outcome once, carries the change start, and logs with the trace', async () => {
    const api = new Publisher(m.js, 'api', tracing.tracer);
    const seen: { id: string; delivery: number; ageMs: number | undefined }[] = [];
    const consumer = await startConsumer(
      m,
      {
        consumer: { durable: 'obs_outcomes', stream: STREAMS.config, filter: 'esi.config.network.*' },
        decode: (d) => events.ResourceChanged.decode(d),
        handle: async (msg, meta) => {
          seen.push({ id: msg.resourceId, delivery: meta.deliveryCount, ageMs: changeAgeMs() });
          log.info({ resource: msg.resourceId, delivery: meta.deliveryCount }, 'handling');
          if (msg.resourceId === 'flaky' && meta.deliveryCount < 3) throw new RetryableError('not yet');
          if (msg.resourceId === 'poison') throw new PermanentError('never');
        },
        maxDeliveries: 5,
      },
      { tracer: tracing.tracer, log, prefix: '' },
    );
    let traceId = '';
    await tracing.tracer.startActiveSpan('client', async (span) => {
      traceId = span.spanContext().traceId;
      for (const id of ['ok1', 'ok2', 'flaky', 'poison']) await api.publish(`esi.config.network.${id}`, changed('network', id), `obs:${id}`);
      await api.publish('esi.config.network.ok1', changed('network', 'ok1'), 'obs:ok1');
      span.end();
    });
    const labels = { stream: 'ESI_CONFIG', consumer: 'obs_outcomes' };
    await until('every message finished', async () => (await metric('esi_messages_handled_total', labels)) >= 6);
    await new Promise((r) => setTimeout(r, 300));
    await consumer.stop();

    expect(await metric('esi_messages_handled_total', { ...labels, outcome: 'ack' })).toBe(3);
    expect(await metric('esi_messages_handled_total', { ...labels, outcome: 'retry' })).toBe(2);
    expect(await metric('esi_messages_handled_total', { ...labels, outcome: 'parked' })).toBe(1);
    expect(await metric('esi_message_redeliveries_total', labels)).toBe(2);
    // The histogram saw exactly the same deliveries.
    expect(await metric('esi_message_handle_duration_seconds', { ...labels, le: '+Inf' })).toBe(6);
    expect(await metric('esi_messages_published_total', { subject: 'esi.config.network', outcome: 'stored' })).toBe(4);
    expect(await metric('esi_messages_published_total', { subject: 'esi.config.network', outcome: 'duplicate' })).toBe(1);
    expect(await metric('esi_messages_published_total', { subject: 'esi.dead.planner', outcome: 'stored' })).toBe(1);

    // Every handler saw when its change began (stamped by the first publish).
    expect(seen).toHaveLength(6);
    for (const s of seen) expect(s.ageMs, s.id).toBeGreaterThanOrEqual(0);

    // Lines written while handling: the handler's own, the retry warnings, the parking.
    const handling = lines.filter((l) => ['handling', 'handler failed; will retry', 'message parked in the dead-letter stream'].includes(String(l.msg)));
    expect(handling.map((l) => l.msg)).toEqual(expect.arrayContaining(['handling', 'handler failed; will retry', 'message parked in the dead-letter stream']));
    expect(handling.length).toBe(6 + 2 + 1);
    for (const l of handling) {
      expect(l.trace_id, String(l.msg)).toBe(traceId);
      expect(l.span_id, String(l.msg)).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('reports a consumer’s backlog (waiting and in flight) at scrape time', async () => {
    const api = new Publisher(m.js, 'api', tracing.tracer);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    const consumer = await startConsumer(
      m,
      {
        consumer: { durable: 'obs_backlog', stream: STREAMS.config, filter: 'esi.config.subnet.*' },
        decode: (d) => events.ResourceChanged.decode(d),
        handle: async () => {
          started++;
          await gate;
        },
      },
      { tracer: tracing.tracer, log, prefix: '' },
    );
    for (const id of ['a', 'b', 'c']) await api.publish(`esi.config.subnet.${id}`, changed('subnet', id), `obs-backlog:${id}`);
    const labels = { stream: 'ESI_CONFIG', consumer: 'obs_backlog' };
    await until('the first message in the handler', () => started === 1);
    await until('a backlog of 3', async () => (await metric('esi_consumer_backlog_messages', labels)) === 3);
    release();
    await until('an empty backlog', async () => (await metric('esi_consumer_backlog_messages', labels)) === 0);
    await consumer.stop();
    // Once stopped, the consumer is no longer reported.
    const after = await metricsRegistry.getSingleMetric('esi_consumer_backlog_messages')!.get();
    expect(after.values.filter((v) => v.labels.consumer === 'obs_backlog')).toEqual([]);
  });
});
