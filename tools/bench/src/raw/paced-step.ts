/**
 * The pipeline step on an idle system: the same step as pipeline-step.ts (consume →
 * etcd compare-and-put → publish with ack → ack), but one input every `pauseMs`, as the
 * chain's unloaded builds come, instead of back to back. Back to back, every process
 * stays on a CPU with its caches warm; paced, each step starts from sleeping processes
 * (nats-server, etcd, the consumer), as each stage of an unloaded build does. A step's
 * latency runs from the ack of its input's publish to the ack of its own publish.
 */
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { Etcd3 } from 'etcd3';
import { RAW_VALUE } from './etcd-txn.js';
import { addBenchStream } from './jetstream-publish.js';
import { rateResult, type RateResult } from './rate-result.js';

const STREAM = 'BENCH_PACED';
const KEY = '/bench/paced/step';

export async function measurePacedStep(js: JetStreamClient, jsm: JetStreamManager, etcd: Etcd3, steps: number, pauseMs: number): Promise<RateResult> {
  await addBenchStream(jsm, STREAM, 'bench.paced.>');
  await jsm.consumers.add(STREAM, {
    durable_name: 'paced',
    filter_subject: 'bench.paced.in',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: 16,
    ack_wait: 30_000_000_000,
  });
  let rev = Number((await etcd.put(KEY).value(RAW_VALUE).exec()).header.revision);
  const consumer = await js.consumers.get(STREAM, 'paced');
  const messages = await consumer.consume({ max_messages: 8 });
  const samples: number[] = [];
  const outputAckedAt = new Map<number, number>();
  // The step waited for, settled by the consumer; a failed step fails the measurement
  // rather than leaving it waiting.
  let waiting: { n: number; resolve: () => void; reject: (err: unknown) => void } | undefined;
  let failure: unknown;
  const consuming = (async () => {
    for await (const msg of messages) {
      const n = Number(new TextDecoder().decode(msg.data));
      const res = await etcd.if(KEY, 'Mod', '==', rev).then(etcd.put(KEY).value(RAW_VALUE)).commit();
      if (!res.succeeded) throw new Error(`compare-and-put on ${KEY} lost its revision`);
      rev = Number(res.header.revision);
      await js.publish('bench.paced.out', String(n), { msgID: `out:${n}` });
      outputAckedAt.set(n, performance.now());
      msg.ack();
      if (waiting?.n === n) waiting.resolve();
    }
  })().catch((err: unknown) => {
    failure = err;
    waiting?.reject(err);
  });
  const started = performance.now();
  try {
    for (let n = 0; n < steps; n++) {
      await new Promise((r) => setTimeout(r, pauseMs));
      if (failure) throw failure;
      const stepDone = new Promise<void>((resolve, reject) => (waiting = { n, resolve, reject }));
      await js.publish('bench.paced.in', String(n), { msgID: `in:${n}` });
      // Taken before the step is awaited: the step's own ack cannot come before it.
      const inputAckedAt = performance.now();
      await stepDone;
      samples.push(outputAckedAt.get(n)! - inputAckedAt);
    }
  } finally {
    await messages.close();
    await consuming;
    await jsm.streams.delete(STREAM);
    await etcd.delete().key(KEY).exec();
  }
  return rateResult(1, samples, started);
}
