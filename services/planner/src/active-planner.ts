/**
 * What the active planner runs: load pending jobs, resync, then consume changes and
 * results, one handler at a time.
 */
import { OWNERSHIP, events } from '@esi/contracts';
import { loadRelations, loadResourceTypes, loadSchemas, pluralOf, sharedTypesOf, typeOfPlural } from '@esi/catalog';
import { startConsumer } from '@esi/messaging';
import { stopAll, type ServiceDeps, type Stop } from '@esi/service-runtime';
import { ConfigReader } from './config-reader.js';
import { dispatchReady } from './dispatch.js';
import { finishJob } from './handle-result.js';
import { forgetResource, waitingDeletes } from './handle-removed.js';
import { MetaWrites } from './meta-writes.js';
import { PendingJobs } from './pending-jobs.js';
import { planChange, type PlanDeps } from './plan-change.js';
import { findUnplanned, findUnplannedSince, type Unplanned } from './resync.js';

/** Every how many resyncs one reads everything (the others read what changed since). */
const FULL_PASS_EVERY = 10;
import { RelationsSource } from './relations-source.js';
import { KeyedLock } from '@esi/keyed-lock';

export interface PlannerConfig {
  redispatchAfterMs: number;
  resyncIntervalMs: number;
  leaseTtlSeconds: number;
  relationsFile: string;
}

export async function runActivePlanner({ messaging, store, publisher, log, tracer, config }: ServiceDeps<PlannerConfig>): Promise<Stop> {
  const types = loadResourceTypes();
  const isShared = sharedTypesOf(loadSchemas());
  const relations = await RelationsSource.start(store, config.relationsFile ? loadRelations(config.relationsFile) : loadRelations(), log);
  const pending = new PendingJobs();
  await pending.load(store);
  const reader = new ConfigReader(store, pluralOf);
  const metaWrites = new MetaWrites(store, log);
  // One handler at a time: planning reads the pending jobs and writes new ones, and two
  // handlers interleaving could each miss the other's jobs when computing dependencies.
  const queue = new KeyedLock();
  // A handler that failed part-way may have left etcd and the pending jobs in memory
  // apart: a transaction whose answer was lost (an etcd member died after committing it)
  // may have stored jobs this process never added. The next handler first reloads the
  // pending jobs from etcd, the source of truth, so none is stranded there.
  let pendingStale = false;
  const work = <T>(fn: () => Promise<T>): Promise<T> =>
    queue.run('planner', async () => {
      if (pendingStale) {
        await metaWrites.all();
        await pending.load(store);
        pendingStale = false;
        log.info({ pending: pending.size }, 'pending jobs reloaded after a failed handler');
      }
      try {
        return await fn();
      } catch (err) {
        pendingStale = true;
        throw err;
      }
    });
  const plannedVersions = new Map<string, number>();
  const planDeps: PlanDeps = { store, reader, pending, publisher, log, relations, typeInfo: (t) => types[t], typeOfPlural, isShared, plannedVersions };
  const dispatchDeps = { store, pending, publisher, tracer, log, pluralOf, isShared, metaWrites };

  // What the last resync found unplanned (plural/id → version). A periodic resync plans
  // only what it finds unplanned twice in a row: a change accepted a moment ago has its
  // event on the way, and planned by that event it joins the change's trace (planned
  // here it would not). A lost event is still recovered, one interval later.
  let seenBefore = new Map<string, Unplanned>();
  // Between full passes a periodic resync reads only configs written since the last
  // pass (resync.ts): at 100,000 resources a full pass reads some 200 MB and takes
  // seconds of the planner's CPU, every interval. Every FULL_PASS_EVERY-th pass is full.
  let lastRevision: string | undefined;
  let passes = 0;
  const resync = async (trigger: 'start' | 'interval'): Promise<void> => {
    const started = performance.now();
    // The scan only reads, so it runs outside the queue: at 100,000 resources it takes
    // seconds, and inside the queue every change and result waited for it. Planning stays
    // in the queue and checks each resource again there (planChange is idempotent), so a
    // change the event path planned meanwhile is simply found up to date.
    const full = trigger === 'start' || lastRevision === undefined || passes % FULL_PASS_EVERY === 0;
    passes++;
    const knownPlanned = (plural: string, id: string, version: number): boolean => {
      const type = typeOfPlural(plural);
      return type !== undefined && (plannedVersions.get(`${type}:${id}`) ?? 0) >= version;
    };
    const since = full ? undefined : await findUnplannedSince(store, lastRevision!, seenBefore.values(), knownPlanned);
    const found = since ?? (await findUnplanned(store));
    lastRevision = found.revision;
    const keyOf = (u: Unplanned): string => `${u.plural}/${u.id}`;
    const unplanned = trigger === 'start' ? found.unplanned : found.unplanned.filter((u) => seenBefore.get(keyOf(u))?.version === u.version);
    seenBefore = new Map(found.unplanned.map((u) => [keyOf(u), u]));
    const dispatched = await work(async () => {
      reader.startEvent();
      for (const u of unplanned) {
        const type = typeOfPlural(u.plural);
        if (type) await planChange(type, u.id, planDeps);
      }
      return dispatchReady(dispatchDeps, config.redispatchAfterMs);
    });
    // Its duration is what a pass over the keyspace costs (pnpm bench reads it).
    log.info(
      { trigger, full: !since, ms: Math.round(performance.now() - started), unplanned: unplanned.length, deferred: found.unplanned.length - unplanned.length, dispatched },
      'resync done',
    );
  };
  await resync('start');
  // One resync at a time, each after the previous, as when they all went through the queue.
  let resyncs = Promise.resolve();
  const timer = setInterval(() => {
    resyncs = resyncs.then(() => resync('interval')).catch((err) => log.warn({ err }, 'resync failed'));
  }, config.resyncIntervalMs);


  const consumerDeps = { tracer, log, prefix: config.streamPrefix, ackWaitSeconds: config.ackWaitSeconds };
  const changes = await startConsumer(
    messaging,
    {
      consumer: OWNERSHIP.planner.consumes.changes,
      decode: (d) => events.ResourceChanged.decode(d),
      handle: (m) =>
        work(async () => {
          reader.startEvent();
          if (m.removed) {
            plannedVersions.delete(`${m.resourceType}:${m.resourceId}`);
            await forgetResource(store, pluralOf(m.resourceType), m.resourceId);
            for (const w of await waitingDeletes(store)) {
              const type = typeOfPlural(w.plural);
              if (type) await planChange(type, w.id, planDeps);
            }
          } else {
            await planChange(m.resourceType, m.resourceId, planDeps, { retry: m.retry });
          }
          await dispatchReady(dispatchDeps);
        }),
      spanName: 'process esi.config',
    },
    consumerDeps,
  );
  const results = await startConsumer(
    messaging,
    {
      consumer: OWNERSHIP.planner.consumes.results,
      decode: (d) => events.JobResult.decode(d),
      handle: (r) =>
        work(async () => {
          await finishJob(r, { store, pending, log, metaWrites });
          await dispatchReady(dispatchDeps);
        }),
      spanName: 'process esi.result',
    },
    consumerDeps,
  );
  log.info({ pending: pending.size }, 'pending jobs loaded');
  return stopAll(() => relations.stop(), changes.stop, results.stop, async () => clearInterval(timer), () => metaWrites.all());
}
