import { badData, badMapping, missing } from './errors.js';
import { type Env, type Evaluated, type Scope, evaluateOperand } from './evaluation.js';
import { preview } from './json.js';
import type { ResourceRef } from './types.js';

/**
 * Text of one part. Scalars print the way the original (Python) planner's str() does, so a
 * boolean becomes "True"/"False". null is treated as missing rather than printed as
 * "None", which would silently end up in device configuration.
 */
function partText(result: Evaluated, index: number): string {
  if (result.type !== 'value') throw badData(`part ${index} of concatenate is an ${result.type}, not text`);
  const { value } = result;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) throw missing(`part ${index} of concatenate is null`);
  throw badData(`part ${index} of concatenate is ${preview(value)}, not text`);
}

/** The parts of a concatenation: each a mapping, or a bare string taken as literal text. */
export function concatenationParts(parts: unknown): unknown[] {
  if (!Array.isArray(parts)) throw badMapping(`"concatenate" must be a list, got ${preview(parts)}`);
  return parts;
}

/** `{"concatenate": [...]}` and compact `A`: joined text, resources of all parts in order. */
export async function evaluateConcatenation(parts: unknown, scope: Scope, env: Env): Promise<Evaluated> {
  const results = await Promise.all(concatenationParts(parts).map((part) => evaluateOperand(part, scope, env)));
  const resources: ResourceRef[] = results.flatMap((result) => result.resources);
  const text = results.map(partText).join('');
  return { type: 'value', value: text, resources };
}
