/**
 * nats.js's own errors, produced by a real nats-server, sorted by class and JetStream
 * code (no message text is read).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { isOutage, isRetryable } from '@esi/errors';
import { startNats, type RunningServer } from '@esi/test-servers';
import { MessagingUnavailableError, Publisher, connectMessaging, type Messaging } from './index.js';
import { isConsumerNotFound, isJetStreamSettling, isNatsOutage, isStreamNameInUse, isStreamNotFound } from './errors.js';

let nats: RunningServer;
let m: Messaging;

beforeAll(async () => {
  nats = await startNats(mkdtempSync(join(tmpdir(), 'esi-nats-errors-')));
  m = await connectMessaging([nats.url], 'test');
});

afterAll(async () => {
  await m?.nc.close();
  await nats?.stop();
});

const caught = async (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (err: unknown) => err);

describe('nats.js errors, by class and JetStream code', () => {
  it('tells a missing stream and a missing consumer from each other and from the rest', async () => {
    const noStream = await caught(m.jsm.streams.info('ESI_ERRORS_NONE'));
    expect(isStreamNotFound(noStream)).toBe(true);
    expect(isConsumerNotFound(noStream)).toBe(false);
    await m.jsm.streams.add({ name: 'ESI_ERRORS', subjects: ['errors.test.>'], storage: StorageType.Memory });
    const noConsumer = await caught(m.jsm.consumers.info('ESI_ERRORS', 'nobody'));
    expect(isConsumerNotFound(noConsumer)).toBe(true);
    expect(isStreamNotFound(noConsumer)).toBe(false);
    expect(isNatsOutage(noConsumer)).toBe(false);
  });

  it('knows a stream name taken with another configuration', async () => {
    const clash = await caught(m.jsm.streams.add({ name: 'ESI_ERRORS', subjects: ['errors.other.>'], retention: RetentionPolicy.Workqueue, storage: StorageType.Memory }));
    expect(isStreamNameInUse(clash)).toBe(true);
    expect(isJetStreamSettling(clash)).toBe(false);
  });

  it('counts a publish nobody can store (no stream answers) as an outage, retried past the delivery limit', async () => {
    const publisher = new Publisher(m.js, 'api', trace.getTracer('test'));
    const err = await caught(publisher.publish('esi.config.network.n1', new Uint8Array([1]), 'n1-1'));
    expect(err).toBeInstanceOf(MessagingUnavailableError);
    expect(isOutage(err)).toBe(true);
    expect(isRetryable(err)).toBe(true);
  });

  it('counts a request on a closed connection as an outage', async () => {
    const other = await connectMessaging([nats.url], 'test');
    await other.nc.close();
    const err = await caught(other.jsm.streams.info('ESI_ERRORS'));
    expect(isNatsOutage(err)).toBe(true);
  });
});
