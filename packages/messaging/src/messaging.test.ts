import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { STREAMS, events } from '@esi/contracts';
import { startNats, type RunningServer } from '@esi/test-servers';
import { createLogger, initTracing } from '@esi/telemetry';
import {
  PermanentError,
  PublishNotAllowedError,
  Publisher,
  RetryableError,
  DEFAULT_STREAM_LIMITS,
  connectMessaging,
  ensureStreams,
  startConsumer,
  type Messaging,
} from './index.js';

let nats: RunningServer;
let m: Messaging;
const tracing = initTracing({ serviceName: 'test', otlpEndpoint: '' });
const log = createLogger('test', 'silent');

beforeAll(async () => {
  nats = await startNats(mkdtempSync(join(tmpdir(), 'esi-nats-')));
  m = await connectMessaging([nats.url], 'test');
  await ensureStreams(m.jsm, '');
});

afterAll(async () => {
  await m?.nc.close();
  await nats?.stop();
  await tracing.shutdown();
});

const changed = (id: string, version = 1): Uint8Array =>
  events.ResourceChanged.encode({ resourceType: 'port', resourceId: id, version, markedForDeletion: false, acceptedAtMs: 0, removed: false, retry: false, configJson: '', configRevision: '' }).finish();

describe('messaging against a real nats-server', () => {
  it('caps every stream in age and count (bytes when asked), dropping the oldest past a cap (default and configured limits)', async () => {
    const check = async (prefix: string, limits: { maxAgeHours: number; maxMessages: number; maxMegabytes: number }): Promise<void> => {
      for (const spec of Object.values(STREAMS)) {
        const { config } = await m.jsm.streams.info(`${prefix}${spec.name}`);
        expect(config.max_age, spec.name).toBe(limits.maxAgeHours * 3600 * 1e9);
        expect(config.max_msgs, spec.name).toBe(limits.maxMessages);
        expect(config.max_bytes, spec.name).toBe(limits.maxMegabytes > 0 ? limits.maxMegabytes * 1024 * 1024 : -1);
        expect(config.discard, spec.name).toBe('old');
      }
    };
    await check('', DEFAULT_STREAM_LIMITS);
    await ensureStreams(m.jsm, 'LIMITS_', 1, { maxAgeHours: 2, maxMessages: 1000, maxMegabytes: 3 });
    await check('LIMITS_', { maxAgeHours: 2, maxMessages: 1000, maxMegabytes: 3 });
    // A stream that exists already takes new limits at the next start.
    await ensureStreams(m.jsm, 'LIMITS_', 1, { maxAgeHours: 5, maxMessages: 2000, maxMegabytes: 4 });
    await check('LIMITS_', { maxAgeHours: 5, maxMessages: 2000, maxMegabytes: 4 });
  });

  it('drops a republish with the same Nats-Msg-Id', async () => {
    const pub = new Publisher(m.js, 'api', tracing.tracer);
    const first = await pub.publish('esi.config.port.p1', changed('p1'), 'config:port:p1:1');
    const again = await pub.publish('esi.config.port.p1', changed('p1'), 'config:port:p1:1');
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect(again.seq).toBe(first.seq);
  });

  it('refuses subjects outside the publisher’s slice', async () => {
    const pub = new Publisher(m.js, 'planner', tracing.tracer);
    await expect(pub.publish('esi.config.port.p2', changed('p2'), 'x')).rejects.toBeInstanceOf(PublishNotAllowedError);
  });

  it('carries the trace context to the consumer and decides ack / nak / term at the edge', async () => {
    const pub = new Publisher(m.js, 'api', tracing.tracer);
    const seen: { id: string; delivery: number; traceId: string | undefined }[] = [];
    let publishedTrace = '';
    const consumer = await startConsumer(
      m,
      {
        consumer: { durable: 'edge_test', stream: STREAMS.config, filter: 'esi.config.port.*' },
        decode: (d) => events.ResourceChanged.decode(d),
        handle: async (msg, meta) => {
          seen.push({ id: msg.resourceId, delivery: meta.deliveryCount, traceId: trace.getActiveSpan()?.spanContext().traceId });
          if (msg.resourceId === 'retry' && meta.deliveryCount < 3) throw new RetryableError('not yet');
          if (msg.resourceId === 'poison') throw new PermanentError('never');
        },
      },
      { tracer: tracing.tracer, log, prefix: '' },
    );
    await tracing.tracer.startActiveSpan('client', async (span) => {
      publishedTrace = span.spanContext().traceId;
      await pub.publish('esi.config.port.retry', changed('retry'), 'config:port:retry:1');
      await pub.publish('esi.config.port.poison', changed('poison'), 'config:port:poison:1');
      span.end();
    });
    const deadline = Date.now() + 15_000;
    while (seen.filter((s) => s.id === 'retry').length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    await consumer.stop();

    const retries = seen.filter((s) => s.id === 'retry');
    expect(retries.map((s) => s.delivery)).toEqual([1, 2, 3]);
    expect(seen.filter((s) => s.id === 'poison')).toHaveLength(1);
    // p1 from the first test was published outside any span; the two published here share the client's trace.
    expect(new Set(seen.filter((s) => s.id !== 'p1').map((s) => s.traceId))).toEqual(new Set([publishedTrace]));
    // Acks are fire-and-forget; give the server a moment to count them.
    let pendingAcks = -1;
    for (let i = 0; i < 50 && pendingAcks !== 0; i++) {
      pendingAcks = (await m.jsm.consumers.info(STREAMS.config.name, 'edge_test')).num_ack_pending;
      if (pendingAcks !== 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(pendingAcks).toBe(0);
  });

  it('terminates a message that cannot be decoded without blocking the next one', async () => {
    const handled: string[] = [];
    const consumer = await startConsumer(
      m,
      {
        consumer: { durable: 'poison_test', stream: STREAMS.config, filter: 'esi.config.ese_device.*' },
        decode: (d) => events.ResourceChanged.decode(d),
        handle: async (msg) => void handled.push(msg.resourceId),
      },
      { tracer: tracing.tracer, log, prefix: '' },
    );
    await m.js.publish('esi.config.ese_device.bad', new Uint8Array([0xff, 0xff, 0xff]));
    await m.js.publish('esi.config.ese_device.good', events.ResourceChanged.encode({ resourceType: 'ese_device', resourceId: 'good', version: 1, markedForDeletion: false, acceptedAtMs: 0, removed: false, retry: false, configJson: '', configRevision: '' }).finish());
    const deadline = Date.now() + 10_000;
    while (!handled.includes('good') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await consumer.stop();
    expect(handled).toEqual(['good']);
  });
});

describe('dead letters', () => {
  it('parks an undecodable message and one that keeps failing, with the reason, and the stream flows on', async () => {
    const svc = await connectMessaging([nats.url], 'planner');
    const handled: string[] = [];
    const parked: { id: string | undefined; reason: string }[] = [];
    const consumer = await startConsumer(
      svc,
      {
        consumer: { durable: 'dead_letter_test', stream: STREAMS.config, filter: 'esi.config.subnet.*' },
        decode: (d) => events.ResourceChanged.decode(d),
        handle: async (msg) => {
          if (msg.resourceId === 'flaky') throw new RetryableError('backend down');
          handled.push(msg.resourceId);
        },
        maxDeliveries: 3,
        onParked: async (msg, reason) => void parked.push({ id: msg?.resourceId, reason }),
      },
      { tracer: tracing.tracer, log, prefix: '' },
    );
    const enc = (id: string): Uint8Array =>
      events.ResourceChanged.encode({ resourceType: 'subnet', resourceId: id, version: 1, markedForDeletion: false, acceptedAtMs: 0, removed: false, retry: false, configJson: '', configRevision: '' }).finish();
    await svc.js.publish('esi.config.subnet.garbage', new Uint8Array([0xff, 0x01]));
    await svc.js.publish('esi.config.subnet.flaky', enc('flaky'));
    await svc.js.publish('esi.config.subnet.fine', enc('fine'));
    const deadline = Date.now() + 20_000;
    while ((parked.length < 2 || !handled.includes('fine')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await consumer.stop();

    expect(handled).toEqual(['fine']);
    expect(parked.map((p) => p.id).sort()).toEqual(['flaky', undefined].sort());
    expect(parked.find((p) => p.id === 'flaky')!.reason).toMatch(/failed 3 times; last error: backend down/);

    const dead = await svc.jsm.streams.info(STREAMS.dead.name);
    expect(dead.state.messages).toBe(2);
    const first = (await svc.jsm.streams.getMessage(STREAMS.dead.name, { seq: dead.state.first_seq }))!;
    expect(first.subject).toBe('esi.dead.planner.esi.config.subnet.garbage');
    expect(first.header.get('Esi-Dead-Reason')).toMatch(/^undecodable/);
    expect(first.header.get('Esi-Original-Subject')).toBe('esi.config.subnet.garbage');
    await svc.nc.close();
  });
});
