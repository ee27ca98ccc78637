import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { examplesDir } from './paths.js';
import type { ResourceTypes } from './resource-types.js';

/**
 * An example build is the ordered list of create requests a client would send
 * (examples/<name>.json).  Ids are not known in advance, so bodies refer to earlier
 * requests by name (see examples/README.md):
 *   "$ref:<name>"          the whole string is replaced by that request's id;
 *   "$ref:<name>.<field>"  as the whole string: that field of the request's body
 *                          (any JSON type; `id` is the id); inside a longer string:
 *                          the field's text.
 */
export interface BuildRequest {
  ref: string;
  type: string;
  body: Record<string, unknown>;
}

/** What resolveRefs needs to know about an earlier request. */
export interface CreatedResource {
  id: string;
  body: Record<string, unknown>;
}

export interface RefUse {
  ref: string;
  field?: string;
}

const WHOLE = /^\$ref:([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?$/;
const EMBEDDED = /\$ref:([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)/g;

export function loadExampleBuild(name = 'internet-gateway'): BuildRequest[] {
  const file = join(examplesDir, `${name}.json`);
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${file}: expected a list of requests`);
  return data.map((item: unknown, i) => {
    const request = item as Partial<BuildRequest> | null;
    if (
      typeof request?.ref !== 'string' ||
      typeof request.type !== 'string' ||
      request.body === null ||
      typeof request.body !== 'object' ||
      Array.isArray(request.body)
    ) {
      throw new Error(`${file}: request ${i} must be {ref, type, body}`);
    }
    return { ref: request.ref, type: request.type, body: request.body };
  });
}

/** Every reference used anywhere inside a value, in document order. */
export function refsIn(value: unknown): RefUse[] {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return [whole[2] === undefined ? { ref: whole[1] as string } : { ref: whole[1] as string, field: whole[2] }];
    return [...value.matchAll(EMBEDDED)].map((m) => ({ ref: m[1] as string, field: m[2] as string }));
  }
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(refsIn);
  return [];
}

/** A copy of `value` with every reference replaced; unknown refs or fields throw. */
export function resolveRefs(value: unknown, lookup: (ref: string) => CreatedResource | undefined): unknown {
  const read = (ref: string, field: string | undefined): unknown => {
    const created = lookup(ref);
    if (!created) throw new Error(`$ref:${ref} does not name an earlier request`);
    if (field === undefined || field === 'id') return created.id;
    if (!(field in created.body)) throw new Error(`$ref:${ref}.${field}: no such field`);
    return created.body[field];
  };
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return read(whole[1] as string, whole[2]);
    return value.replace(EMBEDDED, (_, ref: string, field: string) => String(read(ref, field)));
  }
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, lookup));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveRefs(item, lookup)]));
  }
  return value;
}

/**
 * Problems of a build against a resource-type table: duplicate refs, unknown types,
 * missing required fields, references to requests that come later or not at all.
 */
export function buildProblems(build: readonly BuildRequest[], types: ResourceTypes): string[] {
  const problems: string[] = [];
  const seen = new Map<string, BuildRequest>();
  for (const request of build) {
    const where = `${request.ref} (${request.type})`;
    if (seen.has(request.ref)) problems.push(`${where}: ref used twice`);
    const entry = types[request.type];
    if (!entry) problems.push(`${where}: unknown type`);
    for (const field of entry?.required ?? []) {
      if (!(field in request.body)) problems.push(`${where}: required field ${field} missing`);
    }
    for (const use of refsIn(request.body)) {
      const target = seen.get(use.ref);
      if (!target) problems.push(`${where}: $ref:${use.ref} is not an earlier request`);
      else if (use.field !== undefined && use.field !== 'id' && !(use.field in target.body)) {
        problems.push(`${where}: $ref:${use.ref}.${use.field} names no field of that request`);
      }
    }
    seen.set(request.ref, request);
  }
  return problems;
}
