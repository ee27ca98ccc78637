/**
 * Joins the specs a program reads (the shared one, the runtime's, its own) into one.
 * A plain object spread would let a later spec silently replace an earlier key, or
 * read the same variable twice under two keys with two defaults; either is a setting
 * that does not do what its documentation says, so both are refused at start.
 */
import type { Spec } from './parse-env.js';

export function mergeSpecs<A, B>(a: Spec<A>, b: Spec<B>): Spec<A & B>;
export function mergeSpecs<A, B, C>(a: Spec<A>, b: Spec<B>, c: Spec<C>): Spec<A & B & C>;
export function mergeSpecs(...specs: Spec<Record<string, unknown>>[]): Spec<Record<string, unknown>> {
  const merged: Spec<Record<string, unknown>> = {};
  const keyOfEnv = new Map<string, string>();
  const problems: string[] = [];
  for (const spec of specs) {
    for (const [key, field] of Object.entries(spec)) {
      if (key in merged) problems.push(`setting "${key}" is declared twice`);
      const other = keyOfEnv.get(field.env);
      if (other !== undefined && other !== key) problems.push(`${field.env} is read twice, as "${other}" and as "${key}"`);
      merged[key] = field;
      keyOfEnv.set(field.env, key);
    }
  }
  // A programming error, not a user's: thrown as such so the first test run shows it.
  if (problems.length > 0) throw new Error(`configuration specs overlap: ${problems.join('; ')}`);
  return merged;
}
