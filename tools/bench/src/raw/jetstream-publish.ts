/**
 * Raw limit 2: JetStream publishes awaited until the server's ack, from Node (the
 * client the services use), into a file-storage stream configured like the pipeline's
 * (duplicate window, Nats-Msg-Id on every message). Payloads are 1 KiB.
 */
import { RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { closedLoop, type RateResult } from './rate-result.js';

export const BENCH_DUPLICATE_WINDOW_NS = 5 * 60 * 1_000_000_000;

export async function addBenchStream(jsm: JetStreamManager, name: string, subject: string): Promise<void> {
  await jsm.streams.add({
    name,
    subjects: [subject],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    duplicate_window: BENCH_DUPLICATE_WINDOW_NS,
  });
}

export async function measureJetStreamPublish(js: JetStreamClient, jsm: JetStreamManager, concurrency: number, durationMs: number): Promise<RateResult> {
  const stream = `BENCH_PUB_${concurrency}`;
  await addBenchStream(jsm, stream, `bench.pub${concurrency}.>`);
  const payload = new Uint8Array(1024);
  let n = 0;
  try {
    return await closedLoop(concurrency, durationMs, 500_000, async (w) => {
      const id = n++;
      await js.publish(`bench.pub${concurrency}.${w}`, payload, { msgID: `pub:${concurrency}:${id}` });
    });
  } finally {
    await jsm.streams.delete(stream);
  }
}
