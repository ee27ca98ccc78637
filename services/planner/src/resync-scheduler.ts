/**
 * When and how much the safety net reads (the rule itself is in resync.ts): a full pass
 * at start and every FULL_PASS_EVERY-th interval, an incremental one between, and only
 * what two passes in a row found unplanned is planned (the start pass plans nothing).
 * The incremental pass checks the configs a watch of /config delivered since the last
 * pass (config-changes.ts), or, while no watch follows, those a range read returns.
 */
import type { Logger } from '@esi/telemetry';
import type { OwnedStore } from '@esi/store';
import { ConfigChanges } from './config-changes.js';
import { ResyncStopped, findUnplanned, findUnplannedAmong, findUnplannedSince, type Unplanned, type WrittenConfig } from './resync.js';

/** Every how many resyncs one reads everything (the others read what changed since). */
const FULL_PASS_EVERY = 10;

export type ResyncTrigger = 'start' | 'interval';

export interface ResyncDeps {
  store: OwnedStore;
  log: Logger;
  typeOfPlural: (plural: string) => string | undefined;
  /** The version this process last planned of a resource (type:id), if any. */
  plannedVersions: ReadonlyMap<string, number>;
  /** Plans what was found (in the planner's line) and dispatches what is ready; returns how many were dispatched. */
  planFound: (unplanned: Unplanned[]) => Promise<number>;
}

export class ResyncScheduler {
  /**
   * What the last pass found unplanned (plural/id → version). A pass plans only what it
   * finds unplanned twice in a row: a change accepted a moment ago has its event on the
   * way, and planned by that event it joins the change's trace (planned here it would
   * not). The start pass is no exception: the changes made while no planner ran wait in
   * the stream for this one, and a change accepted while it starts raced the start
   * pass to its plan and lost its trace. A lost event is still recovered, one interval
   * later.
   */
  private seenBefore = new Map<string, Unplanned>();
  /**
   * Between full passes a periodic resync reads only configs written since the last
   * pass: at 100,000 resources a full pass reads some 200 MB and takes seconds of the
   * planner's CPU, every interval.
   */
  private lastRevision: string | undefined;
  /** Configs written since the last pass, while a watch follows /config. */
  private changes: ConfigChanges | undefined;
  /** A watch being set up: passes may overlap (a partition's start pass), watches may not. */
  private following: Promise<void> | undefined;
  private stopped = false;
  private passes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** One pass at a time, each after the previous. */
  private chain = Promise.resolve();

  constructor(private readonly deps: ResyncDeps) {}

  /** Runs a pass every intervalMs until stop(). */
  every(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.chain = this.chain.then(() => this.pass('interval')).catch((err) => this.deps.log.warn({ err }, 'resync failed'));
    }, intervalMs);
  }

  /**
   * No pass after this; resolves once a pass already running has ended. A pass still
   * reading gives up at its next key (ResyncStopped); one already planning is waited for.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.chain;
    await this.following;
    await this.changes?.cancel();
    this.changes = undefined;
  }

  /**
   * One pass. The scan only reads, so it runs outside the planner's line: at 100,000
   * resources it takes seconds, and inside the line every change and result waited for
   * it. Planning goes through the line and checks each resource again there (planChange
   * is idempotent), so a change the event path planned meanwhile is found up to date.
   */
  async pass(trigger: ResyncTrigger): Promise<void> {
    try {
      await this.scanAndPlan(trigger);
    } catch (err) {
      if (!(err instanceof ResyncStopped)) throw err;
      this.deps.log.info({ trigger }, 'resync given up: stopping');
    }
  }

  private async scanAndPlan(trigger: ResyncTrigger): Promise<void> {
    const started = performance.now();
    const full = trigger === 'start' || this.lastRevision === undefined || this.passes % FULL_PASS_EVERY === 0;
    this.passes++;
    const followed = full ? undefined : this.changes?.take();
    const since = full
      ? undefined
      : followed
        ? await this.checkFollowed(followed)
        : await findUnplannedSince(this.deps.store, this.lastRevision!, this.seenBefore.values(), this.knownPlanned, this.isStopped);
    const found = since ?? (await findUnplanned(this.deps.store, this.isStopped));
    if (this.stopped) throw new ResyncStopped();
    this.lastRevision = found.revision;
    await this.follow(found.revision);
    const unplanned = found.unplanned.filter((u) => this.seenBefore.get(keyOf(u))?.version === u.version);
    this.seenBefore = new Map(found.unplanned.map((u) => [keyOf(u), u]));
    const dispatched = await this.deps.planFound(unplanned);
    // Its duration is what a pass over the keyspace costs (pnpm bench reads it).
    this.deps.log.info(
      {
        trigger,
        full: !since,
        read: !since ? 'scan' : followed ? 'watched' : 'range',
        ms: Math.round(performance.now() - started),
        unplanned: unplanned.length,
        deferred: found.unplanned.length - unplanned.length,
        dispatched,
      },
      'resync done',
    );
  }

  private async checkFollowed(followed: { written: WrittenConfig[]; revision: string }): Promise<{ unplanned: Unplanned[]; revision: string } | undefined> {
    const unplanned = await findUnplannedAmong(this.deps.store, followed.written, this.seenBefore.values(), this.knownPlanned, this.isStopped);
    return unplanned && { unplanned, revision: followed.revision };
  }

  /**
   * Follows /config after `revision` unless a watch already does. A watch that cannot be
   * set up leaves the next pass to read by range, and is tried again after it.
   */
  private follow(revision: string): Promise<void> {
    if (this.changes?.live || this.stopped) return Promise.resolve();
    this.following ??= ConfigChanges.follow(this.deps.store, revision, (err) =>
      this.deps.log.warn({ err }, 'watch of /config stopped: the next resync reads the configs written since its last pass'),
    )
      .then(async (changes) => {
        if (this.stopped) await changes.cancel();
        else this.changes = changes;
      })
      .catch((err: unknown) => {
        this.changes = undefined;
        this.deps.log.warn({ err }, 'watch of /config not set up: the next resync reads the configs written since this one');
      })
      .finally(() => (this.following = undefined));
    return this.following;
  }

  private readonly isStopped = (): boolean => this.stopped;

  private readonly knownPlanned = (plural: string, id: string, version: number): boolean => {
    const type = this.deps.typeOfPlural(plural);
    return type !== undefined && (this.deps.plannedVersions.get(`${type}:${id}`) ?? 0) >= version;
  };
}

const keyOf = (u: Unplanned): string => `${u.plural}/${u.id}`;
