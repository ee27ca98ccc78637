/**
 * The protobuf wire format, as far as etcd's KV messages need it: varints, 64-bit integers
 * as decimal strings (etcd's revisions are int64; etcd3 hands them out as strings too),
 * and length-delimited bytes and messages. Written by hand rather than generated: the
 * direct path exists to spend less CPU per request than a general codec does.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** Builds one message; a nested message is built by its own Encoder and added as bytes. */
export class Encoder {
  private readonly parts: Buffer[] = [];
  /** Tags and varints not yet moved into `parts`. */
  private pending: number[] = [];
  private length = 0;

  /** A varint field; 0 is written too (a oneof member must be, to count as set). */
  varint(field: number, value: number | bigint | string): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(typeof value === 'number' ? value : BigInt(value));
    return this;
  }

  bool(field: number, value: boolean): this {
    return value ? this.varint(field, 1) : this;
  }

  bytes(field: number, value: Buffer | string): this {
    const buf = typeof value === 'string' ? Buffer.from(value) : value;
    this.tag(field, WIRE_BYTES);
    this.rawVarint(buf.length);
    this.flush();
    this.parts.push(buf);
    this.length += buf.length;
    return this;
  }

  message(field: number, inner: Encoder): this {
    return this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    this.flush();
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  private rawVarint(value: number | bigint): void {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
      let v = value;
      while (v > 0x7f) {
        this.pending.push((v % 0x80) | 0x80);
        v = Math.floor(v / 0x80);
      }
      this.pending.push(v);
      return;
    }
    // Negative int64s are written as their 64-bit two's complement: ten bytes.
    let v = BigInt.asUintN(64, BigInt(value));
    while (v > 0x7fn) {
      this.pending.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.pending.push(Number(v));
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.parts.push(Buffer.from(this.pending));
    this.length += this.pending.length;
    this.pending = [];
  }
}

/** Reads one message's fields in order; the caller switches on each field number. */
export class Decoder {
  private pos: number;
  private readonly end: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  /** The next field's number, or undefined at the end; its value must be read or skipped. */
  next(): { field: number; wire: number } | undefined {
    if (this.pos >= this.end) return undefined;
    const tag = this.uint();
    return { field: tag >>> 3, wire: tag & 7 };
  }

  /** A varint as a number, exact up to 2^53 (tags, enums, booleans, lengths). */
  uint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
    throw new Error('protobuf: varint too long');
  }

  bool(): boolean {
    return this.uint() !== 0;
  }

  /** An int64 as its decimal string. */
  int64(): string {
    let lo = 0;
    let shift = 0;
    const start = this.pos;
    for (;;) {
      const b = this.byte();
      if (shift < 49) lo += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
      if (shift > 63) throw new Error('protobuf: varint too long');
    }
    // Up to seven bytes (49 bits) the sum is exact; beyond, decode again exactly.
    if (this.pos - start <= 7) return String(lo);
    let v = 0n;
    for (let i = this.pos - 1; i >= start; i--) v = (v << 7n) | BigInt(this.buf[i]! & 0x7f);
    return BigInt.asIntN(64, v).toString();
  }

  /** Bytes as a view of the message's buffer (no copy). */
  bytes(): Buffer {
    const len = this.uint();
    const start = this.pos;
    this.pos += len;
    if (this.pos > this.end) throw new Error('protobuf: field runs past the message');
    return this.buf.subarray(start, this.pos);
  }

  /** A nested message's decoder. */
  message(): Decoder {
    const len = this.uint();
    const start = this.pos;
    this.pos += len;
    if (this.pos > this.end) throw new Error('protobuf: message runs past its parent');
    return new Decoder(this.buf, start, this.pos);
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.skipVarint();
    else if (wire === WIRE_BYTES) {
      const length = this.uint(); // read first: `pos += uint()` would add to the position before the length
      this.pos += length;
    }
    else if (wire === WIRE_FIXED64) this.pos += 8;
    else if (wire === WIRE_FIXED32) this.pos += 4;
    else throw new Error(`protobuf: wire type ${wire} not supported`);
    if (this.pos > this.end) throw new Error('protobuf: field runs past the message');
  }

  private skipVarint(): void {
    while (this.byte() >= 0x80);
  }

  private byte(): number {
    if (this.pos >= this.end) throw new Error('protobuf: message ends inside a varint');
    return this.buf[this.pos++]!;
  }
}
