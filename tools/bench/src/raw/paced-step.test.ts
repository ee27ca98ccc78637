/**
 * The paced raw step against real servers: one step per input, each timed from its
 * input's publish ack to its own, and nothing left behind on the servers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, startNats, type RunningServer } from '@esi/test-servers';
import { measurePacedStep } from './paced-step.js';

const dir = mkdtempSync(join(tmpdir(), 'esi-paced-'));
let nats: RunningServer;
let etcdServer: RunningServer;
let nc: NatsConnection;
let etcd: Etcd3;

beforeAll(async () => {
  [nats, etcdServer] = await Promise.all([startNats(join(dir, 'nats')), startEtcd(join(dir, 'etcd'))]);
  nc = await connect({ servers: nats.url });
  etcd = new Etcd3({ hosts: etcdServer.url });
});

afterAll(async () => {
  etcd?.close();
  await nc?.drain();
  await Promise.all([nats?.stop(), etcdServer?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('measurePacedStep', () => {
  it('times each step alone, an input every pause, and cleans up', async () => {
    const started = performance.now();
    const r = await measurePacedStep(jetstream(nc), await jetstreamManager(nc), etcd, 6, 100);
    expect(r.ops).toBe(6);
    expect(r.latency.p50).toBeGreaterThan(0);
    // A step is an etcd commit and two JetStream round trips, far under the pause.
    expect(r.latency.max).toBeLessThan(100);
    // The inputs waited for their pauses: six of 100 ms at least.
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    const jsm = await jetstreamManager(nc);
    await expect(jsm.streams.info('BENCH_PACED')).rejects.toThrow();
    expect(await etcd.get('/bench/paced/step').string()).toBeNull();
  });

  it('fails, not waits for ever, when a step fails', async () => {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const run = measurePacedStep(js, jsm, etcd, 50, 50);
    // Written behind the step's back: its next compare-and-put finds another revision.
    await new Promise((r) => setTimeout(r, 200));
    await etcd.put('/bench/paced/step').value('someone else').exec();
    const outcome = await Promise.race([run.then(() => 'finished', (err: Error) => err.message), new Promise((r) => setTimeout(() => r('hung'), 5_000))]);
    expect(outcome).toMatch(/lost its revision/);
    await expect(jsm.streams.info('BENCH_PACED')).rejects.toThrow();
  });
});
