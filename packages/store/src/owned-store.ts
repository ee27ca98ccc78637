/**
 * An etcd client for one owner: reads anywhere, writes only inside the owner's slice
 * (ownership registry in @esi/contracts). Every write path checks the key first.
 */
import { Etcd3, type IKeyValue } from 'etcd3';
import { OWNERSHIP, type ServiceName } from '@esi/contracts';
import { etcdCall } from '@esi/telemetry';
import { OwnershipViolationError, wrap } from './errors.js';
import { scanPrefix } from './scan-prefix.js';

export interface Versioned<T> {
  value: T;
  /** etcd mod_revision, for compare-and-swap. */
  modRevision: string;
}

/** A condition for a transactional write: the key's current mod revision, or absent. */
export type Expect = { key: string; modRevision: string } | { key: string; absent: true };

export type WriteOp = { put: string; value: string } | { delete: string };

export class OwnedStore {
  readonly client: Etcd3;

  constructor(
    endpoints: string[],
    readonly owner: ServiceName,
  ) {
    this.client = new Etcd3({ hosts: endpoints, dialTimeout: 5_000 });
  }

  private check(key: string): void {
    if (!OWNERSHIP[this.owner].etcdPrefixes.some((p) => key.startsWith(p))) {
      throw new OwnershipViolationError(this.owner, key);
    }
  }

  async getString(key: string): Promise<Versioned<string> | undefined> {
    const res = await etcdCall('get', key, () => wrap(() => this.client.get(key).exec()));
    const kv = res.kvs[0];
    return kv ? { value: kv.value.toString(), modRevision: kv.mod_revision } : undefined;
  }

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

  async put(key: string, value: string): Promise<void> {
    this.check(key);
    await etcdCall('put', key, () => wrap(() => this.client.put(key).value(value).exec()));
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.put(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.check(key);
    await etcdCall('delete', key, () => wrap(() => this.client.delete().key(key).exec()));
  }

  /** Applies all ops atomically when every expectation holds; false when one does not. */
  async txn(expects: Expect[], ops: WriteOp[]): Promise<boolean> {
    for (const op of ops) this.check('put' in op ? op.put : op.delete);
    const named = opKey(ops[0] ?? (expects[0] ? { delete: expects[0].key } : undefined));
    const clauses = expects.map((x) =>
      'absent' in x
        ? { key: x.key, column: 'Create' as const, value: 0 }
        : { key: x.key, column: 'Mod' as const, value: Number(x.modRevision) },
    );
    const first = clauses[0];
    // etcd needs a comparison; "version > -1" holds for every key, present or not.
    let builder = first
      ? this.client.if(first.key, first.column, '==', first.value)
      : this.client.if(opKey(ops[0]), 'Version', '>', -1);
    for (const c of clauses.slice(1)) builder = builder.and(c.key, c.column, '==', c.value);
    const writes = ops.map((op) => ('put' in op ? this.client.put(op.put).value(op.value) : this.client.delete().key(op.delete)));
    const res = await etcdCall('txn', named, () => wrap(() => builder.then(...writes).commit()));
    return res.succeeded;
  }

  close(): void {
    this.client.close();
  }
}

function opKey(op: WriteOp | undefined): string {
  if (!op) throw new Error('txn needs at least one expectation or one write');
  return 'put' in op ? op.put : op.delete;
}

export type { IKeyValue };
