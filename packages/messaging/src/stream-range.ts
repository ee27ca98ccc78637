/**
 * Reads back what a stream holds on one subject filter, oldest first, through a
 * short-lived consumer of its own: in memory, unacknowledged, deleted when the read ends
 * and dropped by the server after 30 s should the reader die first. nats-server 2.9
 * allows one filter per consumer, so a reader of several subjects calls this per subject.
 * The api's History and the bench's event tap read events back this way.
 */
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';

export interface StreamRangeOptions {
  /** The first sequence to read; the stream's first message when absent. */
  fromSequence?: number;
  /** Only the last `keepLast` messages are visited; the older ones are fetched and passed over. */
  keepLast?: number;
  /** Messages fetched per request (default 512). */
  batch?: number;
  /** Stops reading between batches once aborted (what was visited stays visited). */
  signal?: AbortSignal;
}

/** Resolves with the sequence after the last message read (`fromSequence` when none was). */
export async function readStreamRange(
  nats: { jsm: JetStreamManager; js: JetStreamClient },
  stream: string,
  filter: string,
  visit: (msg: JsMsg) => void,
  opts: StreamRangeOptions = {},
): Promise<number> {
  const from = opts.fromSequence;
  const info = await nats.jsm.consumers.add(stream, {
    filter_subject: filter,
    ...(from === undefined ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from }),
    ack_policy: AckPolicy.None,
    mem_storage: true,
    inactive_threshold: 30_000_000_000,
  });
  let next = from ?? 0;
  try {
    let left = info.num_pending;
    let skip = opts.keepLast === undefined ? 0 : Math.max(0, left - opts.keepLast);
    const consumer = await nats.js.consumers.get(stream, info.name);
    while (left > 0 && !opts.signal?.aborted) {
      const batch = await consumer.fetch({ max_messages: Math.min(left, opts.batch ?? 512), expires: 2_000 });
      let got = 0;
      for await (const m of batch) {
        got++;
        left--;
        next = m.seq + 1;
        if (skip > 0) skip--;
        else visit(m);
      }
      // Nothing came before the fetch expired: the stream lost what was pending (limits).
      if (got === 0) break;
    }
  } finally {
    await nats.jsm.consumers.delete(stream, info.name).catch(() => undefined);
  }
  return Math.max(from ?? 0, next);
}
