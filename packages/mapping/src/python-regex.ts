import { RE2JS } from 're2js';
import { badMapping } from './errors.js';
import { RecentMap } from '@esi/recent-map';

/**
 * Python `re.match` for patterns that come from templates (data an admin wrote, run on
 * every tenant's change): compiled by RE2's rules, so matching takes time linear in the
 * text whatever the pattern — no pattern can stall the planner by backtracking. RE2
 * reads Python's spellings that templates use (`(?P<n>…)`, leading `(?i)`); what it
 * cannot do in linear time (backreferences, lookaround) is refused as a bad mapping.
 */
const COMPILED_KEPT = 256;
const compiled = new RecentMap<string, RE2JS>(COMPILED_KEPT);

export function compilePythonPattern(pattern: string): RE2JS {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern);
  } catch (cause) {
    throw badMapping(`regexp ${JSON.stringify(pattern)} is not a valid linear-time (RE2) pattern: ${(cause as Error).message}`);
  }
  compiled.set(pattern, regex);
  return regex;
}

/** Python `re.match(pattern, text) is not None`: anchored at the start only. */
export function pythonMatch(pattern: string, text: string): boolean {
  return compilePythonPattern(pattern).matcher(text).lookingAt();
}
