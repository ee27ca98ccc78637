/**
 * An etcd client for one owner: reads anywhere, writes only inside the owner's slice
 * (ownership registry in @esi/contracts). Every write path checks the key first.
 */
import { CompareResult, CompareTarget, Etcd3, Range, type Election, type ICompare, type IKeyValue, type IRangeRequest, type IStatusResponse, type ITxnRequest, type WatchBuilder } from 'etcd3';
import { OWNERSHIP, type ServiceName } from '@esi/contracts';
import { etcdCall } from '@esi/telemetry';
import { OwnershipViolationError, wrap } from './errors.js';
import { DirectKv } from './direct/direct-kv.js';
import type { RangeAnswer, TxnAnswer, WriteAnswer } from './direct/kv-messages.js';
import { keepChannelsOpen } from './keep-channels-open.js';
import { memberBreaker } from './member-breaker.js';
import { scanPrefix } from './scan-prefix.js';
import { DEFAULT_GROUP_COMMIT, GroupCommit, type GroupCommitLimits } from './group-commit.js';
import { DEFAULT_GROUP_READ, GroupRead, type GroupReadLimits } from './group-read.js';

export interface Versioned<T> {
  value: T;
  /** etcd mod_revision, for compare-and-swap. */
  modRevision: string;
}

/**
 * A condition for a transactional write: the key's current mod revision, absent, or
 * present; or no key at all under a prefix.
 */
export type Expect =
  | { key: string; modRevision: string }
  | { key: string; absent: true }
  | { key: string; present: true }
  | { prefix: string; empty: true }
  /** Not written after this revision (an absent key holds too). */
  | { key: string; unchangedSince: string }
  /** No key under the prefix written after this revision. */
  | { prefix: string; unchangedSince: string };

export type WriteOp = { put: string; value: string } | { delete: string };

/** Keys a range read or a watch covers: one key, every key under a prefix, or [start, end). */
export type KeyRange = { key: string } | { prefix: string } | { start: string | Buffer; end: string | Buffer };

export interface RangeOptions {
  /** At most this many keys; `more` says whether the range went on. */
  limit?: number;
  /** Read as of this revision (pages of one snapshot). */
  revision?: string;
  /** Only keys last changed after this revision minus one (etcd's min_mod_revision). */
  minModRevision?: string;
  /** Ask etcd to sort by key. A plain range comes in key order already; sorting makes etcd read past the limit. */
  sortByKey?: boolean;
}

export interface RangeRead {
  kvs: IKeyValue[];
  /** The revision the range was read at. */
  revision: string;
  more: boolean;
}

export class OwnedStore {
  /**
   * Private, so every call goes through a method here: the ownership check before each
   * write (elections included), the outage classification and the request metrics.
   */
  private readonly client: Etcd3;
  /** Gives etcd3 back its reset of the channels, which its close() uses. */
  private readonly allowReset: () => void;
  /** Transactions asked for while one is in flight leave together (group-commit.ts). */
  readonly groupCommit: GroupCommit | undefined;
  /** Single-key reads asked for while one is in flight leave together (group-read.ts). */
  readonly groupRead: GroupRead | undefined;
  /** Range, put, delete and transaction requests, sent without etcd3 while that works (direct/direct-kv.ts). */
  private readonly direct: DirectKv | undefined;

  constructor(
    endpoints: string[],
    readonly owner: ServiceName,
    options: {
      groupCommit?: GroupCommitLimits | false;
      groupRead?: GroupReadLimits | false;
      directKv?: boolean;
      /** Told when a direct request failed and went through etcd3 instead (direct/direct-kv.ts). */
      onDirectFallback?: (err: Error, endpoint: string) => void;
    } = {},
  ) {
    this.client = new Etcd3({
      hosts: endpoints,
      dialTimeout: 5_000,
      // A member cut off from the network answers nothing and resets nothing: without
      // pings, calls and streams on its connection (the planner's lease keepalive among
      // them) would wait for TCP to give up, minutes later. Pinged while calls are open,
      // a dead connection fails within about 9 s and the client moves to another member.
      // 6 s: etcd turns away clients that ping more often than every 5 s.
      // A lost connection is dialled again by grpc-js itself (etcd3's own reset is off,
      // keep-channels-open.ts), at most 2 s apart, so a member back from a restart is
      // used again within 2 s, not after grpc-js's default of up to 120 s.
      grpcOptions: { 'grpc.keepalive_time_ms': 6_000, 'grpc.keepalive_timeout_ms': 3_000, 'grpc.max_reconnect_backoff_ms': 2_000 },
      // Only failed calls open a member's breaker, not streams etcd3 ended itself (member-breaker.ts).
      faultHandling: { host: () => memberBreaker() },
    });
    this.allowReset = keepChannelsOpen(this.client);
    this.direct = options.directKv === false ? undefined : DirectKv.forEndpoints(endpoints, { onFallback: options.onDirectFallback });
    const limits = options.groupCommit ?? DEFAULT_GROUP_COMMIT;
    this.groupCommit = limits ? new GroupCommit((expects, ops) => this.sendTxn(expects, ops), limits) : undefined;
    const readLimits = options.groupRead ?? DEFAULT_GROUP_READ;
    this.groupRead = readLimits ? new GroupRead((keys) => this.sendReads(keys), readLimits) : undefined;
  }

  private check(key: string): void {
    if (!OWNERSHIP[this.owner].etcdPrefixes.some((p) => key.startsWith(p))) {
      throw new OwnershipViolationError(this.owner, key);
    }
  }

  async getString(key: string): Promise<Versioned<string> | undefined> {
    const kv = this.groupRead ? await this.groupRead.get(key) : (await this.sendReads([key]))[0];
    return kv ? { value: kv.value.toString(), modRevision: kv.mod_revision } : undefined;
  }

  /** One get, or several in one read-only transaction (served as reads: no raft entry, no fsync). */
  private async sendReads(keys: string[]): Promise<(IKeyValue | undefined)[]> {
    if (keys.length === 1) {
      const key = keys[0]!;
      return [(await etcdCall('get', key, () => wrap(() => this.sendRange({ key: Buffer.from(key) })))).kvs[0]];
    }
    const request: ITxnRequest = { compare: [], success: keys.map((k) => ({ request_range: { key: Buffer.from(k) } })), failure: [] };
    const res = await etcdCall('get', keys[0]!, () => wrap(() => this.sendTxnRequest(request)));
    return res.responses.map((r) => r.response_range?.kvs[0]);
  }

  /**
   * A value read through its slice's parser (SLICES in @esi/contracts): undefined when the
   * key is absent or its value is not the slice's shape, which readers skip as they would
   * a missing key rather than act on half of it.
   */
  async read<V>(key: string, parse: (raw: string) => V | undefined): Promise<Versioned<V> | undefined> {
    const got = await this.getString(key);
    const value = got ? parse(got.value) : undefined;
    return got && value !== undefined ? { value, modRevision: got.modRevision } : undefined;
  }

  /** A JSON value of a key no slice describes (the stores' own records). */
  async getJson<T>(key: string): Promise<Versioned<T> | undefined> {
    const got = await this.getString(key);
    return got ? { value: JSON.parse(got.value) as T, modRevision: got.modRevision } : undefined;
  }

  /** Every key under `prefix` and its value, read in pages (scan-prefix.ts) at one revision. */
  async getPrefix(prefix: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await scanPrefix(this, prefix, (k, v) => out.set(k, v));
    return out;
  }

  /** Writes one key; under load it may share a transaction with others (group-commit.ts). */
  async put(key: string, value: string): Promise<void> {
    await this.txnAt([], [{ put: key, value }]);
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.put(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    await this.txnAt([], [{ delete: key }]);
  }

  /** Applies all ops atomically when every expectation holds; false when one does not. */
  async txn(expects: Expect[], ops: WriteOp[]): Promise<boolean> {
    return (await this.txnAt(expects, ops)) !== undefined;
  }

  /**
   * As txn, but answers the revision the writes were committed at (the mod revision every
   * key it put now has), or undefined when an expectation did not hold. A single writer
   * keeps that revision to compare-and-swap its next write without reading the key again.
   * Under load it may share one etcd transaction with others of this process
   * (group-commit.ts); the answer is still this transaction's own.
   */
  async txnAt(expects: Expect[], ops: WriteOp[]): Promise<string | undefined> {
    for (const op of ops) this.check('put' in op ? op.put : op.delete);
    if (ops.length === 0 && expects.length === 0) throw new Error('txn needs at least one expectation or one write');
    return this.groupCommit ? this.groupCommit.commit(expects, ops) : this.sendTxn(expects, ops);
  }

  private async sendTxn(expects: Expect[], ops: WriteOp[]): Promise<string | undefined> {
    // One unconditional write is sent as itself: etcd does the same work, and the request
    // counts say what it is.
    const only = expects.length === 0 && ops.length === 1 ? ops[0]! : undefined;
    if (only && 'put' in only) {
      const put = { key: Buffer.from(only.put), value: Buffer.from(only.value) };
      const sent = () => this.send<WriteAnswer>((d, viaEtcd3) => d.put(put, viaEtcd3), () => this.client.kv.put(put));
      return (await etcdCall('put', only.put, () => wrap(sent))).header.revision;
    }
    if (only) {
      const del = { key: Buffer.from(only.delete) };
      const sent = () => this.send<WriteAnswer>((d, viaEtcd3) => d.deleteRange(del, viaEtcd3), () => this.client.kv.deleteRange(del));
      return (await etcdCall('delete', only.delete, () => wrap(sent))).header.revision;
    }
    // Named (in metrics and spans) by its first write's key, else its first condition's.
    const named = ops[0] ? opKey(ops[0]) : expectKey(expects[0]!);
    // Built as etcd's own request: an empty comparison list always succeeds, and a
    // comparison over a range ("no key under this prefix") has no builder in etcd3.
    const request: ITxnRequest = {
      compare: expects.map(toCompare),
      success: ops.map((op) => ('put' in op ? { request_put: { key: Buffer.from(op.put), value: Buffer.from(op.value) } } : { request_delete_range: { key: Buffer.from(op.delete) } })),
      failure: [],
    };
    const res = await etcdCall('txn', named, () => wrap(() => this.sendTxnRequest(request)));
    return res.succeeded ? res.header.revision : undefined;
  }

  private sendTxnRequest(request: ITxnRequest) {
    return this.send<TxnAnswer>((d, viaEtcd3) => d.txn(request, viaEtcd3), () => this.client.kv.txn(request));
  }

  private sendRange(request: IRangeRequest) {
    return this.send<RangeAnswer>((d, viaEtcd3) => d.range(request, viaEtcd3), () => this.client.kv.range(request));
  }

  /** Directly while the direct path is on (it falls back to `viaEtcd3` itself), else through etcd3. */
  private send<T>(direct: (d: DirectKv, viaEtcd3: () => Promise<T>) => Promise<T>, viaEtcd3: () => Promise<T>): Promise<T> {
    return this.direct ? direct(this.direct, viaEtcd3) : viaEtcd3();
  }

  /** A range read with the same outage handling and metrics as every other call. */
  async range(range: KeyRange, options: RangeOptions = {}): Promise<RangeRead> {
    const bounds = 'key' in range ? { start: Buffer.from(range.key), end: Buffer.from(`${range.key}\u0000`) } : 'prefix' in range ? Range.prefix(range.prefix) : new Range(range.start, range.end);
    const request: IRangeRequest = { key: bounds.start, range_end: bounds.end };
    if (options.limit !== undefined) request.limit = options.limit;
    if (options.revision !== undefined) request.revision = options.revision;
    if (options.minModRevision !== undefined) request.min_mod_revision = options.minModRevision;
    if (options.sortByKey) {
      request.sort_order = 'Ascend';
      request.sort_target = 'Key';
    }
    const res = await etcdCall('range', describeRange(range), () => wrap(() => this.sendRange(request)));
    return { kvs: res.kvs, revision: res.header.revision, more: res.more };
  }

  /**
   * A watch of a range, from `startRevision` when given. The builder is returned unstarted:
   * the caller either awaits `create()` or takes `watcher()` to attach its handlers before
   * the first event. An etcd that cannot be reached surfaces as the watcher's error.
   */
  watch(range: KeyRange, options: { startRevision?: string } = {}): WatchBuilder {
    const builder = 'key' in range ? this.client.watch().key(range.key) : 'prefix' in range ? this.client.watch().prefix(range.prefix) : this.client.watch().inRange(range);
    return options.startRevision === undefined ? builder : builder.startRevision(options.startRevision);
  }

  /**
   * An election under `namespace`, which must lie in this owner's slice: campaigning
   * writes keys there (the candidate's lease-bound key), so it is checked like a write.
   */
  election(namespace: string, name: string, ttlSeconds: number): Election {
    this.check(namespace);
    return this.client.namespace(namespace).election(name, ttlSeconds);
  }

  /**
   * etcd's Maintenance Status of the member answering: a cheap "is etcd there?" for
   * health probes, which are not counted among the requests the work makes.
   */
  status(deadlineMs: number): Promise<IStatusResponse> {
    return wrap(() => this.client.maintenance.status({ deadline: new Date(Date.now() + deadlineMs) }));
  }

  close(): void {
    this.direct?.close();
    this.allowReset();
    this.client.close();
  }
}

function toCompare(x: Expect): ICompare {
  if ('prefix' in x) {
    // etcd compares every key of the range, and a range without keys as one absent key.
    const range = Range.prefix(x.prefix);
    if ('unchangedSince' in x) return { key: range.start, range_end: range.end, target: CompareTarget.Mod, result: CompareResult.Less, mod_revision: (BigInt(x.unchangedSince) + 1n).toString() };
    return { key: range.start, range_end: range.end, target: CompareTarget.Version, result: CompareResult.Equal, version: 0 };
  }
  const key = Buffer.from(x.key);
  if ('absent' in x) return { key, target: CompareTarget.Create, result: CompareResult.Equal, create_revision: 0 };
  if ('present' in x) return { key, target: CompareTarget.Version, result: CompareResult.Greater, version: 0 };
  // An absent key's mod revision is 0, below any revision.
  if ('unchangedSince' in x) return { key, target: CompareTarget.Mod, result: CompareResult.Less, mod_revision: (BigInt(x.unchangedSince) + 1n).toString() };
  return { key, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: x.modRevision };
}

function describeRange(range: KeyRange): string {
  if ('key' in range) return range.key;
  if ('prefix' in range) return `${range.prefix}*`;
  return `${range.start.toString()}..`;
}

function opKey(op: WriteOp): string {
  return 'put' in op ? op.put : op.delete;
}

function expectKey(expect: Expect): string {
  return 'key' in expect ? expect.key : expect.prefix;
}

export type { IKeyValue };
