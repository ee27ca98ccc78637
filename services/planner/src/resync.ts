/**
 * The level-triggered safety net (DESIGN.md §4.3): compares /config with /state and the
 * workflow records, plans what was never planned, and re-dispatches what is ready.
 * Events are the fast path; this is the path that never gives up.
 */
import { SLICES, configKey, stateKey, type WorkflowRecord } from '@esi/contracts';
import { isTooLarge, scanPrefix, type OwnedStore } from '@esi/store';

export interface Unplanned {
  plural: string;
  id: string;
  /** The config version found unplanned. */
  version: number;
}

/**
 * A pass given up because its planner is stopping: at 100,000 resources a full scan takes
 * some 15 to 25 s, which a stopping planner (and the replica waiting for its lease) would
 * otherwise wait for, to plan nothing with it.
 */
export class ResyncStopped extends Error {
  constructor() {
    super('resync given up: the planner is stopping');
  }
}

/**
 * Each prefix is read in pages (scanPrefix in @esi/store) and only the versions are kept, not the
 * values: at 100,000 resources the three prefixes are some 200 MB of JSON, which one
 * read could neither receive (etcd client's 4 MiB limit) nor hold under the planner's
 * memory budget. Values go through their slice's parser (SLICES): one that is not the
 * slice's shape counts as absent, as it does for every other reader.
 */
export async function findUnplanned(store: OwnedStore, stopped: () => boolean = () => false): Promise<{ unplanned: Unplanned[]; revision: string }> {
  const configs: Unplanned[] = [];
  const states = new Map<string, number>();
  const records = new Map<string, RecordLite>();
  const unlessStopped = (visit: (key: string, raw: string) => void) => (key: string, raw: string) => {
    if (stopped()) throw new ResyncStopped();
    visit(key, raw);
  };
  // The three scans run side by side (etcd reads a page while this process parses the
  // last); they were never one snapshot, and a change between them is caught next pass.
  const [revision] = await Promise.all([
    scanPrefix(
      store,
      SLICES.config.prefix,
      unlessStopped((key, raw) => {
        const parsed = SLICES.config.resourceOf(key);
        const config = parsed && parsed.plural !== 'heat_templates' ? SLICES.config.parse(raw) : undefined;
        if (parsed && config) configs.push({ ...parsed, version: config.version });
      }),
    ),
    scanPrefix(
      store,
      SLICES.state.prefix,
      unlessStopped((key, raw) => {
        const state = SLICES.state.parse(raw);
        if (state) states.set(key, state.version);
      }),
    ),
    scanPrefix(
      store,
      SLICES.plannerWorkflows.prefix,
      unlessStopped((key, raw) => {
        const record = SLICES.plannerWorkflows.parse(raw);
        if (record) records.set(key, lite(record));
      }),
    ),
  ]);
  const out: Unplanned[] = [];
  for (const { plural, id, version } of configs) {
    if (isUnplanned(version, states.get(stateKey(plural, id)), records.get(SLICES.plannerWorkflows.key(plural, id)))) out.push({ plural, id, version });
  }
  return { unplanned: out, revision };
}

function lite(r: WorkflowRecord): RecordLite {
  return { version: r.version, waiting: Boolean(r.waiting), noJobs: r.jobs.length === 0 && r.action !== 'none' };
}

/** What the rule needs of a workflow record; `noJobs`: a change that settles through its skipped event alone. */
interface RecordLite {
  version: number;
  waiting: boolean;
  noJobs: boolean;
}

/** Resources checked at once by the incremental pass (three point reads each). */
const CHECKS_AT_ONCE = 32;
/**
 * More candidates than this and the incremental pass gives way to a full one: checking
 * costs three point reads each (some 0.26 ms per resource at 100,000), a full pass reads
 * pages. Seen when 100,000 configs were written between two passes: 26 s of checks where
 * a full pass takes about 10. About what one range read of configs can carry (4 MiB).
 */
export const MAX_CHECKED = 5_000;

/** A config written since a revision, as read or followed: its resource and its value. */
export interface WrittenConfig {
  plural: string;
  id: string;
  /** The value written (JSON); undefined when it is not known (the key is read again). */
  raw?: string;
}

/**
 * Configs written after `sinceRevision`, by a range read: etcd filters them by mod
 * revision, so the planner neither receives nor parses the rest, but etcd itself reads
 * every config to filter them (some 0.4 s of its time at 100,000 resources). The planner
 * prefers its record of what a watch delivered (config-changes.ts) and reads this way
 * only when no watch follows /config. Undefined when the changes are too many for one
 * response: the caller then makes a full pass.
 */
export async function configsWrittenSince(store: OwnedStore, sinceRevision: string): Promise<{ written: WrittenConfig[]; revision: string } | undefined> {
  let res;
  try {
    res = await store.range({ prefix: SLICES.config.prefix }, { minModRevision: String(BigInt(sinceRevision) + 1n) });
  } catch (err) {
    if (isTooLarge(err)) return undefined;
    throw err;
  }
  const written: WrittenConfig[] = [];
  for (const kv of res.kvs) {
    const parsed = SLICES.config.resourceOf(kv.key.toString());
    if (parsed) written.push({ ...parsed, raw: kv.value.toString() });
  }
  return { written, revision: res.revision };
}

/**
 * The periodic pass between full ones: the configs written since the last pass, plus
 * `recheck` (what the pass before found unplanned), each checked with point reads. A
 * change is unplanned only through a config write, so nothing else can have become
 * unplanned since the last pass. A config `knownPlanned` vouches for (this planner
 * wrote or read its workflow record at that version) is not read again. Undefined when
 * more than MAX_CHECKED are left to check: the caller then makes a full pass.
 */
export async function findUnplannedAmong(
  store: OwnedStore,
  written: Iterable<WrittenConfig>,
  recheck: Iterable<{ plural: string; id: string }>,
  knownPlanned: (plural: string, id: string, version: number) => boolean = () => false,
  stopped: () => boolean = () => false,
): Promise<Unplanned[] | undefined> {
  const candidates = new Map<string, { plural: string; id: string }>();
  for (const w of written) {
    if (w.plural === 'heat_templates') continue;
    // Under load thousands of configs change between passes, nearly all of them planned
    // by their events in this very process: those need no read at all.
    const version = w.raw === undefined ? undefined : SLICES.config.parse(w.raw)?.version;
    if (version !== undefined && knownPlanned(w.plural, w.id, version)) continue;
    candidates.set(`${w.plural}/${w.id}`, { plural: w.plural, id: w.id });
  }
  for (const r of recheck) candidates.set(`${r.plural}/${r.id}`, r);
  if (candidates.size > MAX_CHECKED) return undefined;
  const list = [...candidates.values()];
  const out: Unplanned[] = [];
  for (let i = 0; i < list.length; i += CHECKS_AT_ONCE) {
    if (stopped()) throw new ResyncStopped();
    const checked = await Promise.all(list.slice(i, i + CHECKS_AT_ONCE).map((c) => checkOne(store, c.plural, c.id)));
    for (const u of checked) if (u) out.push(u);
  }
  return out;
}

/** The incremental pass with the configs read by range (configsWrittenSince). */
export async function findUnplannedSince(
  store: OwnedStore,
  sinceRevision: string,
  recheck: Iterable<{ plural: string; id: string }>,
  knownPlanned?: (plural: string, id: string, version: number) => boolean,
  stopped?: () => boolean,
): Promise<{ unplanned: Unplanned[]; revision: string } | undefined> {
  const since = await configsWrittenSince(store, sinceRevision);
  const unplanned = since && (await findUnplannedAmong(store, since.written, recheck, knownPlanned, stopped));
  return unplanned && { unplanned, revision: since.revision };
}

/** The same rule as the full pass, for one resource read with point reads. */
async function checkOne(store: OwnedStore, plural: string, id: string): Promise<Unplanned | undefined> {
  const [config, state, record] = await Promise.all([
    store.read(configKey(plural, id), SLICES.config.parse),
    store.read(stateKey(plural, id), SLICES.state.parse),
    store.read(SLICES.plannerWorkflows.key(plural, id), SLICES.plannerWorkflows.parse),
  ]);
  if (!config) return undefined;
  const version = config.value.version;
  return isUnplanned(version, state?.value.version, record && lite(record.value)) ? { plural, id, version } : undefined;
}

/**
 * The rule of both passes: a config version is unplanned unless /state has reached it
 * or a workflow record holds it, waits for nothing and has jobs to settle it (a change
 * without jobs whose state never came lost its skipped event; planning it again
 * announces it again).
 */
function isUnplanned(version: number, stateVersion: number | undefined, record: RecordLite | undefined): boolean {
  if (stateVersion !== undefined && stateVersion >= version) return false;
  return !(record && record.version >= version && !record.waiting && !record.noJobs);
}
