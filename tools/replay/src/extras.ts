/**
 * What ours did more often than the recording: keys the recording never wrote, values
 * written more times than recorded, and jobs planned more than once. The comparison in
 * compare.ts finds what is missing or different; this finds what is extra or doubled, so
 * a replay proves "nothing doubled" as well as "nothing lost".
 */
import { isDeepStrictEqual } from 'node:util';
import { mask } from './masking.js';

export interface Written {
  key: string;
  value: unknown;
}

/**
 * Writes per key and view. A write counts when the stored value changed (rewriting the
 * same value changes nothing a reader sees); `view` picks what is compared, e.g. a
 * stack's status, so a second UPDATE_COMPLETE of one stack counts twice.
 */
function tally(writes: Written[], view: (value: unknown) => unknown): Map<string, { view: unknown; count: number }[]> {
  const last = new Map<string, unknown>();
  const out = new Map<string, { view: unknown; count: number }[]>();
  for (const w of writes) {
    if (last.has(w.key) && isDeepStrictEqual(last.get(w.key), w.value)) continue;
    last.set(w.key, w.value);
    const v = view(w.value);
    const views = out.get(w.key) ?? [];
    const entry = views.find((e) => isDeepStrictEqual(e.view, v));
    if (entry) entry.count++;
    else views.push({ view: v, count: 1 });
    out.set(w.key, views);
  }
  return out;
}

export function extraWrites(kind: string, recorded: Written[], ours: Written[], view: (value: unknown) => unknown = (v) => v): string[] {
  const want = tally(recorded, view);
  const diffs: string[] = [];
  for (const [key, views] of tally(ours, view)) {
    const expected = want.get(key);
    if (!expected) {
      diffs.push(`${kind} ${key}: not recorded, ours wrote ${views.map((e) => JSON.stringify(e.view)).join(', ')} (extra)`);
      continue;
    }
    for (const { view: v, count } of views) {
      const times = expected.find((e) => isDeepStrictEqual(e.view, v))?.count ?? 0;
      if (count > times) diffs.push(`${kind} ${key}: ${JSON.stringify(v)} written ${count} times, recorded ${times} (${times === 0 ? 'extra' : 'duplicated'})`);
    }
  }
  return diffs;
}

/** Jobs by id: one not recorded (suffix masked) is extra; one planned under two ids is doubled. */
export function extraJobs(recordedIds: string[], ourIds: string[]): string[] {
  const want = new Set(recordedIds.map((id) => String(mask(id))));
  const ours = new Map<string, Set<string>>();
  for (const id of ourIds) {
    const m = String(mask(id));
    ours.set(m, (ours.get(m) ?? new Set()).add(id));
  }
  const diffs: string[] = [];
  for (const [m, ids] of ours) {
    if (!want.has(m)) diffs.push(`job ${m}: not recorded (extra)`);
    if (ids.size > 1) diffs.push(`job ${m}: planned ${ids.size} times (${[...ids].join(', ')}) (duplicated)`);
  }
  return diffs;
}
