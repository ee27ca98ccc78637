/**
 * Heat's rules for what a create or update may carry, as the fake enforces them: the
 * stack name, the tags, timeout_mins and boolean query parameters. Messages say what
 * Heat's say; the point is the same refusals at the same status and error type.
 */
import { HeatFault } from './heat-fault.js';

/** Heat's rule for a top-level stack's name (heat/engine/stack.py). */
const STACK_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,254}$/;

/** A tag longer than this does not fit Heat's stack_tag table. */
export const MAX_TAG_LENGTH = 80;

export function checkStackName(name: unknown): string {
  if (typeof name !== 'string') throw new HeatFault(400, 'StackValidationFailed', `Invalid stack name ${String(name)}, must be a string`);
  if (!STACK_NAME.test(name)) {
    throw new HeatFault(
      400,
      'StackValidationFailed',
      `Invalid stack name ${name} must contain only alphanumeric or "_-." characters, must start with alpha and must be 255 characters or less.`,
    );
  }
  return name;
}

/** `tags` as Heat takes it: one comma-separated string; absent means none. */
export function parseTags(raw: unknown): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  if (typeof raw !== 'string') throw new HeatFault(400, 'HTTPBadRequest', 'tags must be a comma-separated string');
  const tags = raw.split(',');
  for (const tag of tags) {
    if (tag.trim() === '') throw new HeatFault(400, 'HTTPBadRequest', `Invalid tags "${raw}": a tag is empty`);
    if (tag.length > MAX_TAG_LENGTH) throw new HeatFault(400, 'HTTPBadRequest', `Invalid tag, "${tag}" is longer than ${MAX_TAG_LENGTH} characters`);
  }
  return tags;
}

export function parseTimeout(raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (!Number.isInteger(value) || (value as number) <= 0) {
    throw new HeatFault(400, 'HTTPBadRequest', `Only integer is acceptable by 'timeout_mins'.`);
  }
  return value as number;
}

const TRUE = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE = ['0', 'f', 'false', 'off', 'n', 'no'];

/** A boolean query parameter the way Heat reads one (`resolve_outputs=False`). */
export function queryBool(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = raw.toLowerCase();
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new HeatFault(400, 'HTTPBadRequest', `Unrecognized value '${raw}' for '${name}', acceptable values are: ${[...TRUE, ...FALSE].map((v) => `'${v}'`).join(', ')}`);
}

/** A comma-separated list query parameter (`tags=a,b`), empty when absent. */
export function queryList(query: URLSearchParams, name: string): string[] {
  const raw = query.get(name);
  return raw === null || raw === '' ? [] : raw.split(',');
}
