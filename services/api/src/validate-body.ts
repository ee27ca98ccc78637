/**
 * Checks a submitted body before anything is written: a JSON object of bounded size and
 * depth, a known type, and ids that are safe as etcd key and subject tokens.
 */
import { ValidationError } from './errors.js';

/** Larger bodies are refused before parsing; the original's bodies are a few KiB. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Deeper nesting is refused: nothing in a resource nests this far, and it bounds recursion. */
export const MAX_DEPTH = 32;

const SAFE_TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

export function parseBodyJson(raw: string, field = 'body_json'): Record<string, unknown> {
  if (!raw || raw.trim() === '') throw new ValidationError(field, 'is required (a JSON object)');
  const parsed = parseJson(raw, field);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ValidationError(field, 'must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** Any JSON value, size- and depth-checked. */
export function parseJson(raw: string, field: string): unknown {
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw new ValidationError(field, `is larger than ${MAX_BODY_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ValidationError(field, `is not valid JSON (${(err as Error).message})`);
  }
  if (depthOf(parsed) > MAX_DEPTH) throw new ValidationError(field, `nests deeper than ${MAX_DEPTH} levels`);
  return parsed;
}

/** Iterative, so a hostile body cannot overflow the stack while being measured. */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > MAX_DEPTH) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

export function checkId(id: unknown, field: string): string {
  if (typeof id !== 'string' || !SAFE_TOKEN.test(id)) {
    throw new ValidationError(field, 'must be a string of letters, digits, "-" or "_" (at most 128)');
  }
  return id;
}

export function checkVersion(v: number, field: string): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new ValidationError(field, 'must be a non-negative integer');
  return v;
}
