/**
 * A resource's /monitoring value from its items' polled statuses, as the original merged
 * them: {"<item>": "<status>", ..., "version": <config version>} (esi-reference
 * §5.5/§5.6), leaving out statuses the hold options keep back (hold-options.ts).
 */
import type { Logger } from '@esi/telemetry';
import { holdAllows, type HoldOptions } from './hold-options.js';
import { holdOptionsOf } from './item-types.js';
import type { MonitoringValue } from './monitoring-values.js';
import type { Target } from './targets.js';

export interface Polled {
  readonly target: Target;
  readonly status: string;
}

export interface Merged {
  /** undefined when every status is still held. */
  value: MonitoringValue | undefined;
  /** Some status was held back: the same statuses may give another value later. */
  held: boolean;
}

export function mergeStatuses(polled: readonly Polled[], before: MonitoringValue | undefined, now: number, log: Logger): Merged {
  const value: MonitoringValue = {};
  let held = false;
  const order = [...polled].sort((a, b) => a.target.item.localeCompare(b.target.item));
  for (const { target: t, status } of order) {
    // A status of this version already written means the hold is over (it was a positive one).
    const written = before?.version === t.version && before[t.item] !== undefined;
    if (holdAllows(holdOf(t, log), t.item, status, now - t.registered_at_ms, written)) {
      value[t.item] = status;
    } else {
      held = true;
      log.debug({ target: targetLabel(t), status }, 'hold time not passed: status not written');
    }
  }
  if (Object.keys(value).length === 0) return { value: undefined, held };
  value.version = Math.max(...polled.map((p) => p.target.version));
  return { value, held };
}

/** Compared as the JSON written, so a value with the same content needs no write. */
export function sameValue(before: MonitoringValue | null | undefined, value: MonitoringValue): boolean {
  return !!before && JSON.stringify(before) === JSON.stringify(value);
}

export const targetLabel = (t: Target): string => `${t.plural}/${t.resource_id}/${t.item}`;

function holdOf(t: Target, log: Logger): HoldOptions {
  try {
    return holdOptionsOf(t.properties);
  } catch (err) {
    log.warn({ err, target: targetLabel(t) }, 'hold_options unreadable: no hold');
    return { positive_status: [], time_seconds: 0 };
  }
}
