/**
 * JSON text as Gohan (Go's encoding/json) wrote it into etcd: object keys sorted, no
 * spaces, and `<`, `>`, `&`, U+2028, U+2029 escaped as \uXXXX (Go's HTML-safe default).
 * The one encoder of stored bodies: the catalog's template files, the templates the api
 * loads at start and those PutTemplate stores, and resource bodies, so the same value is
 * always the same bytes (esi-reference §2.2).
 */
export function goJsonMarshal(value: unknown): string {
  // Those characters can only occur inside JSON strings, so escaping the text is safe.
  return JSON.stringify(sortKeys(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go sorts map keys by their UTF-8 bytes; JavaScript's sort compares UTF-16 units, which differ above U+FFFF. */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(byUtf8)) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}
