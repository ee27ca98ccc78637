/**
 * Hold options (esi-reference §5.5): while a target is younger than `time_seconds`, only
 * statuses in `positive_status` are written; once one has been written the hold is
 * deactivated; after `time_seconds` every status is written. `positive_status` is a list
 * of statuses ([UP, DOWN]), a map item → status ({primary: MASTER}, G2) or a list of such
 * maps (G3); a scalar matches any item, a map entry only its item. Compared ignoring case,
 * since the templates say `master` where the collectors wrote MASTER.
 */
export interface HoldOptions {
  positive_status: (string | Record<string, string>)[];
  time_seconds: number;
}

export class InvalidHoldOptionsError extends Error {
  override readonly name = 'InvalidHoldOptionsError';
  readonly retryable = false;
}

export function parseHoldOptions(raw: unknown): HoldOptions {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidHoldOptionsError('hold_options must be a mapping');
  const o = raw as Record<string, unknown>;
  const time = o.time_seconds === undefined ? 0 : Number(o.time_seconds);
  if (!Number.isFinite(time) || time < 0) throw new InvalidHoldOptionsError(`hold_options.time_seconds ${JSON.stringify(o.time_seconds)} is not a number of seconds`);
  const ps = o.positive_status;
  const list = ps === undefined ? [] : Array.isArray(ps) ? ps : [ps];
  const positive = list.map((p): string | Record<string, string> => {
    if (typeof p === 'string' && p !== '') return p;
    if (p && typeof p === 'object' && !Array.isArray(p) && Object.values(p).every((v) => typeof v === 'string')) return p as Record<string, string>;
    throw new InvalidHoldOptionsError(`hold_options.positive_status entry ${JSON.stringify(p)} is neither a status nor a map of item to status`);
  });
  return { positive_status: positive, time_seconds: time };
}

export function isPositive(hold: HoldOptions, item: string, status: string): boolean {
  const want = status.toUpperCase();
  return hold.positive_status.some((p) => (typeof p === 'string' ? p.toUpperCase() === want : p[item]?.toUpperCase() === want));
}

/**
 * Whether a polled status may be written now. `written` says a status of this target's
 * version is already in /monitoring: that was a positive one, so the hold is over.
 */
export function holdAllows(hold: HoldOptions, item: string, status: string, ageMs: number, written: boolean): boolean {
  return written || ageMs >= hold.time_seconds * 1000 || isPositive(hold, item, status);
}
