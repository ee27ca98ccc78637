/**
 * The registered targets, held in memory so that a poll cycle reads nothing from etcd:
 * loaded with a paged scan of /esi-monitoring/targets/ and kept current by a watch of
 * that prefix from the scan's revision on (watchPrefixFrom in @esi/store). The watch, not this
 * worker's own job writes, is the source of truth: other replicas register targets too.
 *
 * Indexed by resource (its /monitoring key, what the poller merges and writes) and by
 * device (what the poller checks in one call). Every change names the resources it
 * touched through `onChange`, so the poller looks again at those only. Only parsed
 * targets are kept, never the raw JSON.
 */
import { KEY_PREFIX, monitoringKey } from '@esi/contracts';
import { scanPrefix, watchPrefixFrom, type OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { MonitoringItem } from './item-types.js';
import { FollowedPrefix } from './followed-prefix.js';
import { STATUS } from './statuses.js';
import { parseTarget, type Target } from './targets.js';

export interface TrackedTarget {
  readonly target: Target;
  /** The resource's /monitoring key. */
  readonly resource: string;
  /** Targets with equal keys are checked together; undefined when it cannot be polled. */
  readonly device: string | undefined;
  /** The status last polled, to notice changes: undefined until its first check, UNKNOWN when it cannot be polled. */
  status: string | undefined;
}

export interface TargetIndexOptions {
  store: OwnedStore;
  /** Probe.deviceKey; may throw for an item it cannot poll. */
  deviceKeyOf: (item: MonitoringItem) => string;
  log: Logger;
  /** Called with the /monitoring key of every resource whose targets changed. */
  onChange: (resource: string) => void;
}

/**
 * One consistent set of tables; a rebuild fills a new one and swaps it in whole. A
 * target is found by its resource and item, which its etcd key spells (targetKeyParts),
 * so no map keyed by the long etcd key is kept.
 */
class Tables {
  readonly byResource = new Map<string, TrackedTarget[]>();
  readonly byDevice = new Map<string, Set<TrackedTarget>>();
  size = 0;

  find(resource: string, item: string): TrackedTarget | undefined {
    return this.byResource.get(resource)?.find((t) => t.target.item === item);
  }

  add(t: TrackedTarget): void {
    this.size++;
    const siblings = this.byResource.get(t.resource);
    if (siblings) siblings.push(t);
    else this.byResource.set(t.resource, [t]);
    if (t.device === undefined) return;
    const group = this.byDevice.get(t.device);
    if (group) group.add(t);
    else this.byDevice.set(t.device, new Set([t]));
  }

  remove(t: TrackedTarget): void {
    const siblings = this.byResource.get(t.resource);
    if (!siblings?.includes(t)) return;
    this.size--;
    const rest = siblings.filter((s) => s !== t);
    if (rest.length > 0) this.byResource.set(t.resource, rest);
    else this.byResource.delete(t.resource);
    if (t.device === undefined) return;
    const group = this.byDevice.get(t.device);
    group?.delete(t);
    if (group?.size === 0) this.byDevice.delete(t.device);
  }

  *all(): IterableIterator<TrackedTarget> {
    for (const ts of this.byResource.values()) yield* ts;
  }
}

/**
 * /esi-monitoring/targets/<plural>/<id>/<item> → the resource's /monitoring key and the
 * item (monitoringTargetKey and monitoringKey share <plural>/<id>).
 */
export function targetKeyParts(key: string): { resource: string; item: string } | undefined {
  if (!key.startsWith(KEY_PREFIX.monitoringTargets)) return undefined;
  const rest = key.slice(KEY_PREFIX.monitoringTargets.length);
  const cut = rest.lastIndexOf('/');
  if (cut <= 0 || cut === rest.length - 1) return undefined;
  return { resource: `${KEY_PREFIX.monitoring}${rest.slice(0, cut)}`, item: rest.slice(cut + 1) };
}

export class TargetIndex extends FollowedPrefix {
  private tables = new Tables();
  /**
   * Device keys and property values that repeat across thousands of targets (type,
   * address, community), held once instead of once per target.
   */
  private readonly strings = new Map<string, string>();

  constructor(private readonly opts: TargetIndexOptions) {
    super();
  }

  get size(): number {
    return this.tables.size;
  }

  devices(): IterableIterator<[string, ReadonlySet<TrackedTarget>]> {
    return this.tables.byDevice.entries();
  }

  /** Whether the resource (its /monitoring key) has no target here; undefined while the watch is not following etcd. */
  holdsNoneOf(resource: string): boolean | undefined {
    return this.live ? !this.tables.byResource.has(resource) : undefined;
  }

  targetsOf(resource: string): readonly TrackedTarget[] {
    return this.tables.byResource.get(resource) ?? [];
  }

  /**
   * The /monitoring key of a resource as this index holds it, so the monitoring values
   * can share the string instead of holding a copy per resource.
   */
  resourceKey(key: string): string {
    return this.tables.byResource.get(key)?.[0]?.resource ?? key;
  }

  protected async rebuild(): Promise<void> {
    const next = new Tables();
    // Values no longer used are forgotten; the table lives until the next rebuild.
    this.strings.clear();
    const bad: string[] = [];
    const revision = await scanPrefix(this.opts.store, KEY_PREFIX.monitoringTargets, (key, raw) => {
      const t = this.track(key, raw, this.tables, next);
      if (t) next.add(t);
      else bad.push(key);
    });
    if (bad.length > 0) this.opts.log.warn({ keys: bad }, 'skipping target keys that are not targets');
    const before = this.tables;
    this.tables = next;
    // Resources whose targets differ from what was held (all of them at the first load).
    for (const t of next.all()) if (before.find(t.resource, t.target.item) !== t) this.opts.onChange(t.resource);
    for (const t of before.all()) if (!next.find(t.resource, t.target.item)) this.opts.onChange(t.resource);
    if (this.closed) return;
    this.watch = await watchPrefixFrom(this.opts.store, KEY_PREFIX.monitoringTargets, revision, {
      put: (key, raw) => this.put(key, raw),
      delete: (key) => this.delete(key),
      broken: (err) => {
        this.watch = undefined;
        this.opts.log.warn({ err }, 'target watch stopped: targets are read again at the next poll');
      },
    });
  }

  private put(key: string, raw: string): void {
    const held = this.held(key);
    const t = this.track(key, raw, this.tables, this.tables);
    if (t === held) return;
    this.delete(key);
    if (!t) {
      this.opts.log.warn({ key }, 'skipping a target key that is not a target');
      return;
    }
    this.tables.add(t);
    this.opts.onChange(t.resource);
  }

  private delete(key: string): void {
    const t = this.held(key);
    if (!t) return;
    this.tables.remove(t);
    this.opts.onChange(t.resource);
  }

  private held(key: string, tables = this.tables): TrackedTarget | undefined {
    const parts = targetKeyParts(key);
    return parts && tables.find(parts.resource, parts.item);
  }

  /**
   * The entry for a stored value, to be added to `into`: the one `from` holds when the
   * value is unchanged (it keeps its last status, so a rewrite of the same target costs no
   * work), undefined when the value is not a target or not the one its key names.
   */
  private track(key: string, raw: string, from: Tables, into: Tables): TrackedTarget | undefined {
    const held = this.held(key, from);
    if (held && JSON.stringify(held.target) === raw) return held;
    const target = parseTarget(raw);
    const parts = targetKeyParts(key);
    if (!target || !parts || parts.resource !== monitoringKey(target.plural, target.resource_id) || parts.item !== target.item) return undefined;
    this.share(target);
    let device: string | undefined;
    try {
      device = this.intern(this.opts.deviceKeyOf(target.properties));
    } catch (err) {
      // Items are validated when registered; a target stored by an older build may not be.
      this.opts.log.warn({ err, key }, 'target cannot be polled');
    }
    // One string per resource, shared by its items.
    const resource = held?.resource ?? into.byResource.get(parts.resource)?.[0]?.resource ?? parts.resource;
    return { target, resource, device, status: device === undefined ? STATUS.unknown : undefined };
  }

  /** Values that repeat across thousands of targets (type, plural, address, community) are stored once. */
  private share(t: Target): void {
    t.resource_type = this.intern(t.resource_type);
    t.plural = this.intern(t.plural);
    for (const prop of SHARED_PROPERTIES) {
      const v = t.properties[prop];
      if (typeof v === 'string') t.properties[prop] = this.intern(v);
    }
  }

  private intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }
}

const SHARED_PROPERTIES = ['type', 'ip', 'device_ip', 'community_name', 'host', 'login', 'password'];
