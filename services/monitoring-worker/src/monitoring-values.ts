/**
 * What /monitoring/v2.0/ holds, per key, kept in memory like the targets (a paged scan,
 * then a watch from its revision on), so a poll cycle knows what is written without
 * reading the whole prefix. Other replicas write these keys too; the watch shows their
 * writes, and a value that differs from the one held names its key in `onChange`.
 *
 * Values are kept parsed (the hold rule reads them), never as raw JSON. A value that is
 * not a JSON object is held as null: present, so rewritten or deleted, but not a status.
 *
 * Our own writes are recorded when sent (expect), and the watch events of the key are
 * passed over until the write's own event (its echo) arrives: those events are older than
 * the write, which supersedes them. Applying them instead would leave a stale value held
 * while the watch lags behind a burst of writes, and the next cycle would skip a write.
 */
import { KEY_PREFIX } from '@esi/contracts';
import { scanPrefix, watchPrefixFrom, type OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import { FollowedPrefix } from './followed-prefix.js';

export type MonitoringValue = Record<string, unknown>;

export interface MonitoringValuesOptions {
  store: OwnedStore;
  log: Logger;
  /** Called with every key whose value changed other than through expect(). */
  onChange: (key: string) => void;
  /** An equal string already held elsewhere (the target index's), to keep one per resource. */
  shareKey?: (key: string) => string;
}

/** A write of ours whose echo has not arrived: the JSON sent, or DELETED. */
type Unechoed = string | typeof DELETED;
const DELETED = null;

export class MonitoringValues extends FollowedPrefix {
  private values = new Map<string, MonitoringValue | null>();
  /** Keys with writes of ours in flight, oldest first; empty in a quiet cycle. */
  private unechoed = new Map<string, Unechoed[]>();

  constructor(private readonly opts: MonitoringValuesOptions) {
    super();
  }

  /** undefined: no key; null: a key whose value is not a JSON object. */
  get(key: string): MonitoringValue | null | undefined {
    return this.values.get(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  /** Records a write (a delete: undefined) of ours as it is sent. */
  expect(key: string, value: MonitoringValue | undefined): void {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
    const sent = value === undefined ? DELETED : JSON.stringify(value);
    const queue = this.unechoed.get(key);
    if (queue) queue.push(sent);
    else this.unechoed.set(key, [sent]);
  }

  /** Undoes expect() after the write failed: `before` is held again, unless a later write of ours is. */
  restore(key: string, written: MonitoringValue | undefined, before: MonitoringValue | null | undefined): void {
    const queue = this.unechoed.get(key);
    const at = queue?.lastIndexOf(written === undefined ? DELETED : JSON.stringify(written)) ?? -1;
    if (queue && at >= 0) queue.splice(at, 1);
    if (queue?.length === 0) this.unechoed.delete(key);
    if (this.values.get(key) !== written) return;
    if (before === undefined) this.values.delete(key);
    else this.values.set(key, before);
  }

  protected async rebuild(): Promise<void> {
    const next = new Map<string, MonitoringValue | null>();
    const revision = await scanPrefix(this.opts.store, KEY_PREFIX.monitoring, (key, raw) => next.set(this.share(key), this.unchanged(key, raw) ?? parse(raw)));
    const before = this.values;
    this.values = next;
    // The scan shows what our writes did; their echoes, if any come, are no news.
    this.unechoed = new Map();
    // Keys whose value differs from what was held (all of them at the first load).
    for (const [key, v] of next) if (before.get(key) !== v) this.opts.onChange(key);
    for (const key of before.keys()) if (!next.has(key)) this.opts.onChange(key);
    if (this.closed) return;
    this.watch = await watchPrefixFrom(this.opts.store, KEY_PREFIX.monitoring, revision, {
      put: (key, raw) => {
        if (this.echo(key, raw) || this.unchanged(key, raw) !== undefined) return;
        this.values.set(this.values.has(key) ? key : this.share(key), parse(raw));
        this.opts.onChange(key);
      },
      delete: (key) => {
        if (this.echo(key, DELETED)) return;
        if (this.values.delete(key)) this.opts.onChange(key);
      },
      broken: (err) => {
        this.watch = undefined;
        this.opts.log.warn({ err }, 'monitoring watch stopped: /monitoring is read again at the next poll');
      },
    });
  }

  /**
   * True when a write of ours to `key` is awaiting its echo: this event is that echo (it
   * is then no longer awaited) or older than it, and either way changes nothing held.
   */
  private echo(key: string, event: Unechoed): boolean {
    const queue = this.unechoed.get(key);
    if (!queue) return false;
    if (queue[0] === event) queue.shift();
    if (queue.length === 0) this.unechoed.delete(key);
    return true;
  }

  private share(key: string): string {
    return this.opts.shareKey?.(key) ?? key;
  }

  /** The value held for `key` when `raw` says the same, else undefined. */
  private unchanged(key: string, raw: string): MonitoringValue | null | undefined {
    const held = this.values.get(key);
    if (held === undefined) return undefined;
    if (held === null) return parse(raw) === null ? null : undefined;
    return JSON.stringify(held) === raw ? held : undefined;
  }
}

function parse(raw: string): MonitoringValue | null {
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as MonitoringValue) : null;
  } catch {
    return null;
  }
}
