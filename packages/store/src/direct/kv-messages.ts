/**
 * etcd's KV requests and responses (etcdserverpb rpc.proto and mvccpb kv.proto, v3.4)
 * that the store sends: Range, Put, DeleteRange and Txn. Requests take the shapes etcd3
 * takes (IRangeRequest, ICompare …) so the store builds each request once, whichever
 * path sends it; responses come back in etcd3's shapes (revisions as strings, keys and
 * values as Buffers).
 */
import type { ICompare, IDeleteRangeRequest, IKeyValue, IPutRequest, IRangeRequest, IRequestOp, ITxnRequest } from 'etcd3';
import { Decoder, Encoder } from './protobuf.js';

export interface RangeAnswer {
  header: { revision: string };
  kvs: IKeyValue[];
  more: boolean;
  count: string;
}

export interface WriteAnswer {
  header: { revision: string };
}

export interface TxnAnswer {
  header: { revision: string };
  succeeded: boolean;
  /** Per request of the branch taken: a range's keys, or nothing for a write. */
  responses: { response_range?: RangeAnswer }[];
}

const SORT_ORDER = { None: 0, Ascend: 1, Descend: 2 } as const;
const SORT_TARGET = { Key: 0, Version: 1, Create: 2, Mod: 3, Value: 4 } as const;
const COMPARE_RESULT = { Equal: 0, Greater: 1, Less: 2, NotEqual: 3 } as const;
const COMPARE_TARGET = { Version: 0, Create: 1, Mod: 2, Value: 3, Lease: 4 } as const;

type Bytes = Buffer | string | undefined;

function bytesField(e: Encoder, field: number, value: Bytes): void {
  if (value !== undefined && value.length > 0) e.bytes(field, value);
}

function int64Field(e: Encoder, field: number, value: string | number | undefined): void {
  if (value !== undefined && String(value) !== '0') e.varint(field, value);
}

/** An enum given as etcd3 gives it: its name or its number. */
function enumValue(table: Record<string, number>, value: string | number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const n = table[value];
  if (n === undefined) throw new Error(`etcd request: unknown enum value ${value}`);
  return n;
}

export function encodeRange(r: IRangeRequest): Encoder {
  const e = new Encoder();
  bytesField(e, 1, r.key);
  bytesField(e, 2, r.range_end);
  int64Field(e, 3, r.limit);
  int64Field(e, 4, r.revision);
  const order = enumValue(SORT_ORDER, r.sort_order);
  if (order) e.varint(5, order);
  const target = enumValue(SORT_TARGET, r.sort_target);
  if (target) e.varint(6, target);
  if (r.serializable) e.bool(7, true);
  if (r.keys_only) e.bool(8, true);
  if (r.count_only) e.bool(9, true);
  int64Field(e, 10, r.min_mod_revision);
  int64Field(e, 11, r.max_mod_revision);
  int64Field(e, 12, r.min_create_revision);
  int64Field(e, 13, r.max_create_revision);
  return e;
}

export function encodePut(p: IPutRequest): Encoder {
  const e = new Encoder();
  bytesField(e, 1, p.key);
  bytesField(e, 2, p.value);
  int64Field(e, 3, p.lease);
  if (p.prev_kv) e.bool(4, true);
  if (p.ignore_value) e.bool(5, true);
  if (p.ignore_lease) e.bool(6, true);
  return e;
}

export function encodeDeleteRange(d: IDeleteRangeRequest): Encoder {
  const e = new Encoder();
  bytesField(e, 1, d.key);
  bytesField(e, 2, d.range_end);
  if (d.prev_kv) e.bool(3, true);
  return e;
}

function encodeCompare(c: ICompare): Encoder {
  const e = new Encoder();
  const result = enumValue(COMPARE_RESULT, c.result);
  if (result) e.varint(1, result);
  const target = enumValue(COMPARE_TARGET, c.target);
  if (target) e.varint(2, target);
  bytesField(e, 3, c.key);
  // The compared value is a oneof: written even when 0, or etcd would see none.
  if (c.version !== undefined) e.varint(4, BigInt(c.version));
  else if (c.create_revision !== undefined) e.varint(5, BigInt(c.create_revision));
  else if (c.mod_revision !== undefined) e.varint(6, BigInt(c.mod_revision));
  else if (c.value !== undefined) e.bytes(7, c.value);
  else if (c.lease !== undefined) e.varint(8, BigInt(c.lease));
  bytesField(e, 64, c.range_end);
  return e;
}

function encodeRequestOp(op: IRequestOp): Encoder {
  const e = new Encoder();
  if (op.request_range) e.message(1, encodeRange(op.request_range));
  else if (op.request_put) e.message(2, encodePut(op.request_put));
  else if (op.request_delete_range) e.message(3, encodeDeleteRange(op.request_delete_range));
  else if (op.request_txn) e.message(4, encodeTxn(op.request_txn));
  return e;
}

export function encodeTxn(t: ITxnRequest): Encoder {
  const e = new Encoder();
  for (const c of t.compare ?? []) e.message(1, encodeCompare(c));
  for (const op of t.success ?? []) e.message(2, encodeRequestOp(op));
  for (const op of t.failure ?? []) e.message(3, encodeRequestOp(op));
  return e;
}

function decodeHeader(d: Decoder): { revision: string } {
  let revision = '0';
  for (let f = d.next(); f; f = d.next()) {
    if (f.field === 3 && f.wire === 0) revision = d.int64();
    else d.skip(f.wire);
  }
  return { revision };
}

function decodeKeyValue(d: Decoder): IKeyValue {
  const kv: IKeyValue = { key: EMPTY, value: EMPTY, create_revision: '0', mod_revision: '0', version: '0', lease: '0' };
  for (let f = d.next(); f; f = d.next()) {
    switch (f.field) {
      case 1:
        kv.key = d.bytes();
        break;
      case 2:
        kv.create_revision = d.int64();
        break;
      case 3:
        kv.mod_revision = d.int64();
        break;
      case 4:
        kv.version = d.int64();
        break;
      case 5:
        kv.value = d.bytes();
        break;
      case 6:
        kv.lease = d.int64();
        break;
      default:
        d.skip(f.wire);
    }
  }
  return kv;
}

const EMPTY = Buffer.alloc(0);

export function decodeRange(d: Decoder): RangeAnswer {
  const out: RangeAnswer = { header: { revision: '0' }, kvs: [], more: false, count: '0' };
  for (let f = d.next(); f; f = d.next()) {
    if (f.field === 1 && f.wire === 2) out.header = decodeHeader(d.message());
    else if (f.field === 2 && f.wire === 2) out.kvs.push(decodeKeyValue(d.message()));
    else if (f.field === 3 && f.wire === 0) out.more = d.bool();
    else if (f.field === 4 && f.wire === 0) out.count = d.int64();
    else d.skip(f.wire);
  }
  return out;
}

/** A Put's or a DeleteRange's response: only the header is read. */
export function decodeWrite(d: Decoder): WriteAnswer {
  let header = { revision: '0' };
  for (let f = d.next(); f; f = d.next()) {
    if (f.field === 1 && f.wire === 2) header = decodeHeader(d.message());
    else d.skip(f.wire);
  }
  return { header };
}

export function decodeTxn(d: Decoder): TxnAnswer {
  const out: TxnAnswer = { header: { revision: '0' }, succeeded: false, responses: [] };
  for (let f = d.next(); f; f = d.next()) {
    if (f.field === 1 && f.wire === 2) out.header = decodeHeader(d.message());
    else if (f.field === 2 && f.wire === 0) out.succeeded = d.bool();
    else if (f.field === 3 && f.wire === 2) out.responses.push(decodeResponseOp(d.message()));
    else d.skip(f.wire);
  }
  return out;
}

function decodeResponseOp(d: Decoder): { response_range?: RangeAnswer } {
  const out: { response_range?: RangeAnswer } = {};
  for (let f = d.next(); f; f = d.next()) {
    if (f.field === 1 && f.wire === 2) out.response_range = decodeRange(d.message());
    else d.skip(f.wire);
  }
  return out;
}
