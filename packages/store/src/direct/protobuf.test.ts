import { describe, expect, it } from 'vitest';
import { Decoder, Encoder } from './protobuf.js';

function roundTripInt64(value: string): string {
  const d = new Decoder(new Encoder().varint(1, BigInt(value)).finish());
  expect(d.next()).toEqual({ field: 1, wire: 0 });
  return d.int64();
}

describe('the protobuf wire format of the direct path', () => {
  it('writes varints as protobuf does (field 1 = 150 is 08 96 01)', () => {
    expect(new Encoder().varint(1, 150).finish()).toEqual(Buffer.from([0x08, 0x96, 0x01]));
    // A oneof member must be written even when 0.
    expect(new Encoder().varint(5, 0).finish()).toEqual(Buffer.from([0x28, 0x00]));
  });

  it('reads int64s exactly, past 2^53 and negative', () => {
    for (const v of ['0', '1', '127', '128', '300', '2147483648', String(2 ** 49 - 1), String(2 ** 53 + 1), '9223372036854775807', '-1', '-9223372036854775808']) {
      expect(roundTripInt64(v)).toBe(v);
    }
  });

  it('nests messages and bytes, and skips fields it is not asked for', () => {
    const inner = new Encoder().bytes(1, 'key').varint(3, 42);
    const outer = new Encoder().varint(7, 9).message(2, inner).bytes(4, Buffer.from([0xff, 0x00])).finish();
    const d = new Decoder(outer);
    const seen: string[] = [];
    for (let f = d.next(); f; f = d.next()) {
      if (f.field === 2) {
        const m = d.message();
        for (let g = m.next(); g; g = m.next()) seen.push(g.field === 1 ? `key=${m.bytes().toString()}` : `rev=${m.int64()}`);
      } else if (f.field === 4) seen.push(`bytes=${d.bytes().toString('hex')}`);
      else d.skip(f.wire);
    }
    expect(seen).toEqual(['key=key', 'rev=42', 'bytes=ff00']);
  });

  it('refuses a message cut short rather than reading past it', () => {
    const whole = new Encoder().bytes(1, 'abcdef').finish();
    const cut = new Decoder(whole.subarray(0, whole.length - 2));
    cut.next();
    expect(() => cut.bytes()).toThrow(/past the message/);
    const varint = new Decoder(Buffer.from([0x08, 0x96]));
    varint.next();
    expect(() => varint.int64()).toThrow(/inside a varint/);
  });
});
