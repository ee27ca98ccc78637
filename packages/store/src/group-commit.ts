/**
 * Group commit: the transactions a process asks for in one tick, or while one of its own
 * is on its way to etcd, leave together as one transaction (batch-pipeline.ts).
 *
 * etcd syncs its log once per transaction it commits, and each call costs the Node
 * client about as much CPU as it costs etcd. Unloaded, a transaction goes out at the end
 * of its tick (nothing is in flight). Under load the handlers of different
 * resources that are ready at the same moment share one request and one fsync, so the
 * cost per resource falls as load rises.
 *
 * What each caller is promised stays its own transaction's:
 * - No member of a batch writes a key another member's conditions or writes touch (a
 *   condition over a prefix covering every key under it), so no member's condition can
 *   be satisfied by the state before another member's write that its own transaction
 *   would have seen. Conditions alone never conflict: many members may compare one key
 *   (the api's creates of ports on one network each check the network's revision) and
 *   share a batch. A member that conflicts so with one taken, or with one left waiting
 *   before it, waits for a later batch: the order of one key's transactions is the order
 *   they were asked for.
 * - All conditions hold or nothing is written. When the batch's conditions fail, each
 *   member is sent again alone, so each caller learns whether its own conditions held.
 * - An error (etcd unreachable, a deadline) reaches every member, as it would have reached
 *   each of their own transactions; none is retried here, because a transaction whose
 *   answer was lost may have committed.
 */
import { context, type Context } from '@esi/telemetry';
import { BatchPipeline } from './batch-pipeline.js';
import type { Expect, WriteOp } from './owned-store.js';

/** Sends one transaction; answers its revision, or undefined when a condition failed. */
export type SendTxn = (expects: Expect[], ops: WriteOp[]) => Promise<string | undefined>;

export interface GroupCommitLimits {
  /** Transactions in flight at once; a batch forms while they are (1: classic group commit). */
  inFlight: number;
  /** At most this many conditions, and this many writes, in one batch (etcd refuses more than --max-txn-ops, 128 by default). */
  maxOps: number;
  /** At most about this many bytes of keys and values in one batch (etcd refuses a request over 1.5 MiB by default). */
  maxBytes: number;
}

export const DEFAULT_GROUP_COMMIT: GroupCommitLimits = { inFlight: 1, maxOps: 64, maxBytes: 512 * 1024 };

interface Member {
  expects: Expect[];
  ops: WriteOp[];
  /** Keys it writes. */
  writes: Set<string>;
  /** Keys its conditions name and it does not write. */
  reads: Set<string>;
  /** Prefixes its conditions cover ("no key under"): a member writing there conflicts. */
  prefixes: string[];
  bytes: number;
  /** The caller's trace context: a batch's request is a span of its first member's trace. */
  ctx: Context;
  resolve(revision: string | undefined): void;
  reject(err: unknown): void;
}

export class GroupCommit {
  private readonly pipeline: BatchPipeline<Member>;
  /** Batches sent, and members they carried (for tests and the bench's figures). */
  readonly counts = { batches: 0, members: 0, sentAgainAlone: 0 };

  constructor(
    private readonly send: SendTxn,
    private readonly limits: GroupCommitLimits = DEFAULT_GROUP_COMMIT,
  ) {
    this.pipeline = new BatchPipeline({ inFlight: limits.inFlight, take: (waiting) => this.takeBatch(waiting), run: (batch) => this.run(batch) });
  }

  commit(expects: Expect[], ops: WriteOp[]): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const writes = writtenKeys(ops);
      this.pipeline.add({ expects, ops, writes, reads: comparedKeys(expects, writes), prefixes: prefixesOf(expects), bytes: bytesOf(ops), ctx: context.active(), resolve, reject });
    });
  }

  /** The waiting members that can go together, oldest first (see the rules above). */
  private takeBatch(waiting: Member[]): Member[] {
    const taken: Member[] = [];
    // What the members met so far (taken, or left waiting) write, compare, and cover.
    const seen = new KeysSeen();
    let expects = 0;
    let ops = 0;
    let bytes = 0;
    for (let i = 0; i < waiting.length; ) {
      const m = waiting[i]!;
      const fits = taken.length === 0 || (expects + m.expects.length <= this.limits.maxOps && ops + m.ops.length <= this.limits.maxOps && bytes + m.bytes <= this.limits.maxBytes);
      const free = !seen.conflictsWith(m);
      seen.add(m);
      if (fits && free) {
        taken.push(m);
        waiting.splice(i, 1);
        expects += m.expects.length;
        ops += m.ops.length;
        bytes += m.bytes;
      } else {
        i++;
      }
      if (ops >= this.limits.maxOps || bytes >= this.limits.maxBytes) break;
    }
    return taken;
  }

  private async run(batch: Member[]): Promise<void> {
    this.counts.batches++;
    this.counts.members += batch.length;
    if (batch.length === 1) return this.alone(batch[0]!);
    let revision: string | undefined;
    try {
      revision = await context.with(batch[0]!.ctx, () => this.send(batch.flatMap((m) => m.expects), batch.flatMap((m) => m.ops)));
    } catch (err) {
      for (const m of batch) m.reject(err);
      return;
    }
    if (revision !== undefined) {
      for (const m of batch) m.resolve(revision);
      return;
    }
    // Some member's condition failed and nothing was written: each alone says whose.
    this.counts.sentAgainAlone += batch.length;
    await Promise.all(batch.map((m) => this.alone(m)));
  }

  private async alone(m: Member): Promise<void> {
    try {
      m.resolve(await context.with(m.ctx, () => this.send(m.expects, m.ops)));
    } catch (err) {
      m.reject(err);
    }
  }
}

/**
 * Conflicts are between a write and anything else on its key (or under a prefix a
 * condition covers); two conditions on one key, or two prefixes, never conflict.
 */
class KeysSeen {
  private readonly writes = new Set<string>();
  private readonly reads = new Set<string>();
  private readonly prefixes: string[] = [];

  conflictsWith(m: Member): boolean {
    for (const k of m.writes) {
      if (this.writes.has(k) || this.reads.has(k) || this.prefixes.some((p) => k.startsWith(p))) return true;
    }
    for (const k of m.reads) if (this.writes.has(k)) return true;
    for (const p of m.prefixes) for (const k of this.writes) if (k.startsWith(p)) return true;
    return false;
  }

  add(m: Member): void {
    for (const k of m.writes) this.writes.add(k);
    for (const k of m.reads) this.reads.add(k);
    this.prefixes.push(...m.prefixes);
  }
}

function writtenKeys(ops: WriteOp[]): Set<string> {
  return new Set(ops.map((op) => ('put' in op ? op.put : op.delete)));
}

function comparedKeys(expects: Expect[], writes: Set<string>): Set<string> {
  return new Set(expects.flatMap((x) => ('key' in x && !writes.has(x.key) ? [x.key] : [])));
}

function prefixesOf(expects: Expect[]): string[] {
  return expects.flatMap((x) => ('prefix' in x ? [x.prefix] : []));
}

function bytesOf(ops: WriteOp[]): number {
  let n = 0;
  for (const op of ops) n += 'put' in op ? op.put.length + op.value.length : op.delete.length;
  return n;
}
