/**
 * The raw step at one scale size, on the scale stack's own servers with the resources
 * present: one etcd compare-and-put at a time, then one pipeline step at a time
 * (consume → compare-and-put → publish with ack → ack). A new change's latency at
 * 100,000 resources is judged against the same at 1,000; these say how much of a
 * difference the servers themselves make there (etcd's database grows with the keys).
 */
import { connectMessaging } from '@esi/messaging';
import type { Etcd3 } from 'etcd3';
import { measureEtcdTxn } from '../raw/etcd-txn.js';
import { measurePipelineStep } from '../raw/pipeline-step.js';

export interface RawAtSize {
  /** p50 ms of one compare-and-put, one at a time. */
  etcdTxnP50: number;
  /** p50 ms of one pipeline step, one at a time. */
  stepP50: number;
}

const PROBE_MS = 2_000;

export async function measureRawAtSize(natsUrl: string, etcd: Etcd3): Promise<RawAtSize> {
  const { nc, js, jsm } = await connectMessaging([natsUrl], 'bench-scale-raw');
  try {
    const txn = await measureEtcdTxn(etcd, 1, PROBE_MS, '/bench/scale-txn/');
    const step = await measurePipelineStep(js, jsm, etcd, 1, PROBE_MS);
    return { etcdTxnP50: txn.latency.p50, stepP50: step.latency.p50 };
  } finally {
    await nc.drain();
  }
}
