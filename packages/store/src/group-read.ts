/**
 * Group reads: single-key reads a process asks for in one tick, or while one of its own
 * reads is on its way to etcd, leave together as one read-only transaction of range
 * requests (batch-pipeline.ts).
 *
 * A read-only transaction is served like a range (a linearizable read, no raft entry, no
 * fsync) and costs etcd and the Node client one request where it would have cost one per
 * key. Every answer is as fresh as its own read would have been: the batch leaves after
 * each of its reads was asked for. Two reads of one key in a batch share one answer.
 */
import type { IKeyValue } from 'etcd3';
import { context, type Context } from '@esi/telemetry';
import { BatchPipeline } from './batch-pipeline.js';

/** Reads the keys (distinct) in one request; answers in the same order, undefined when absent. */
export type SendReads = (keys: string[]) => Promise<(IKeyValue | undefined)[]>;

export interface GroupReadLimits {
  /** Read batches on their way at once. */
  inFlight: number;
  /** Keys in one batch (etcd refuses more than --max-txn-ops, 128 by default). */
  maxKeys: number;
}

export const DEFAULT_GROUP_READ: GroupReadLimits = { inFlight: 1, maxKeys: 64 };

interface Member {
  key: string;
  ctx: Context;
  resolve(kv: IKeyValue | undefined): void;
  reject(err: unknown): void;
}

export class GroupRead {
  private readonly pipeline: BatchPipeline<Member>;
  /** Batches sent, and reads they carried (for tests). */
  readonly counts = { batches: 0, members: 0 };

  constructor(
    private readonly send: SendReads,
    limits: GroupReadLimits = DEFAULT_GROUP_READ,
  ) {
    this.pipeline = new BatchPipeline({
      inFlight: limits.inFlight,
      take: (waiting) => takeDistinct(waiting, limits.maxKeys),
      run: (batch) => this.run(batch),
    });
  }

  get(key: string): Promise<IKeyValue | undefined> {
    return new Promise((resolve, reject) => this.pipeline.add({ key, ctx: context.active(), resolve, reject }));
  }

  private async run(batch: Member[]): Promise<void> {
    this.counts.batches++;
    this.counts.members += batch.length;
    const keys = [...new Set(batch.map((m) => m.key))];
    try {
      const answers = await context.with(batch[0]!.ctx, () => this.send(keys));
      const byKey = new Map(keys.map((k, i) => [k, answers[i]]));
      for (const m of batch) m.resolve(byKey.get(m.key));
    } catch (err) {
      for (const m of batch) m.reject(err);
    }
  }
}

/** The oldest waiting reads, up to `maxKeys` distinct keys. */
function takeDistinct(waiting: Member[], maxKeys: number): Member[] {
  const keys = new Set<string>();
  let n = 0;
  for (; n < waiting.length; n++) {
    const key = waiting[n]!.key;
    if (!keys.has(key) && keys.size === maxKeys) break;
    keys.add(key);
  }
  return waiting.splice(0, n);
}
