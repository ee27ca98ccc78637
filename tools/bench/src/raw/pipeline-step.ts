/**
 * Raw limit 3: one pipeline step as every service does it, with nothing else — consume
 * from JetStream (durable pull consumer, explicit ack, the same max_ack_pending and
 * batch as @esi/messaging's consumer) → etcd compare-and-put → publish the next event
 * and wait for its ack → ack the input. `concurrency` chains run at once, each
 * handing its event to the next step of the same chain, and the consumer handles up to
 * `concurrency` messages at once. A step's latency runs from the ack of its input's
 * publish (the event is stored and deliverable) to the ack of its own publish, so it
 * includes delivery, as a step in the chain does.
 */
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { Etcd3 } from 'etcd3';
import { RAW_VALUE } from './etcd-txn.js';
import { addBenchStream } from './jetstream-publish.js';
import { rateResult, type RateResult } from './rate-result.js';

interface Hop {
  chain: number;
  hop: number;
}

export async function measurePipelineStep(
  js: JetStreamClient,
  jsm: JetStreamManager,
  etcd: Etcd3,
  concurrency: number,
  durationMs: number,
): Promise<RateResult> {
  const stream = `BENCH_STEP_${concurrency}`;
  const subject = (chain: number): string => `bench.step${concurrency}.${chain}`;
  const keyOf = (chain: number): string => `/bench/step/${concurrency}/${chain}`;
  await addBenchStream(jsm, stream, `bench.step${concurrency}.>`);
  await jsm.consumers.add(stream, {
    durable_name: 'step',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: Math.max(concurrency * 4, 16),
    ack_wait: 30_000_000_000,
  });
  const revs: number[] = [];
  const inputAckedAt: number[] = [];
  for (let c = 0; c < concurrency; c++) revs[c] = Number((await etcd.put(keyOf(c)).value(RAW_VALUE).exec()).header.revision);

  const samples: number[] = [];
  let stopping = false;
  const step = async (msg: JsMsg): Promise<void> => {
    const { chain, hop } = JSON.parse(new TextDecoder().decode(msg.data)) as Hop;
    if (!stopping) {
      const key = keyOf(chain);
      const res = await etcd.if(key, 'Mod', '==', revs[chain]!).then(etcd.put(key).value(RAW_VALUE)).commit();
      if (!res.succeeded) throw new Error(`compare-and-put on ${key} lost its revision`);
      revs[chain] = Number(res.header.revision);
      await js.publish(subject(chain), JSON.stringify({ chain, hop: hop + 1 }), { msgID: `${chain}:${hop + 1}` });
      const now = performance.now();
      samples.push(now - inputAckedAt[chain]!);
      inputAckedAt[chain] = now;
    }
    msg.ack();
  };

  const consumer = await js.consumers.get(stream, 'step');
  const messages = await consumer.consume({ max_messages: Math.max(concurrency * 2, 8) });
  const started = performance.now();
  for (let c = 0; c < concurrency; c++) {
    await js.publish(subject(c), JSON.stringify({ chain: c, hop: 0 }), { msgID: `${c}:0` });
    inputAckedAt[c] = performance.now();
  }
  const stopTimer = setTimeout(() => {
    stopping = true;
    void messages.close();
  }, durationMs);
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  for await (const msg of messages) {
    const p = step(msg)
      .catch((err: unknown) => {
        failure ??= err;
        stopping = true;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (stopping) break;
  }
  clearTimeout(stopTimer);
  const result = rateResult(concurrency, samples, started);
  await messages.close();
  await Promise.allSettled([...inFlight]);
  await jsm.streams.delete(stream);
  await etcd.delete().prefix(`/bench/step/${concurrency}/`).exec();
  if (failure) throw failure;
  return result;
}
