import { describe, expect, it } from 'vitest';
import { goJsonMarshal } from './go-json.js';

describe('goJsonMarshal (Go encoding/json, as Gohan stored values)', () => {
  it('escapes what Go escapes by default: <, >, &, U+2028 and U+2029', () => {
    expect(goJsonMarshal({ t: 'a<b>&c\u2028\u2029' })).toBe('{"t":"a\\u003cb\\u003e\\u0026c\\u2028\\u2029"}');
    // Nothing else: other non-ASCII text stays as it is, as in Go.
    expect(goJsonMarshal({ t: 'é—✓' })).toBe('{"t":"é—✓"}');
  });

  it('sorts keys by their UTF-8 bytes, as Go sorts map keys', () => {
    // U+FFFD sorts after U+1F600 in UTF-16 units (0xFFFD > 0xD83D) but before it in UTF-8 bytes.
    expect(goJsonMarshal({ '\u{1F600}': 1, '\uFFFD': 2, b: 3, a: 4 })).toBe('{"a":4,"b":3,"\uFFFD":2,"\u{1F600}":1}');
  });

  it('sorts nested objects, keeps array order and nulls', () => {
    expect(goJsonMarshal({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});
