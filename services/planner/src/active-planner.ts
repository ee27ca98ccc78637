/**
 * What the active planner runs: load pending jobs, resync, then consume changes and
 * results (side by side, one at a time per resource: planner-line.ts).
 */
import { OWNERSHIP, events } from '@esi/contracts';
import { loadRelations, loadResourceTypes, loadSchemas, pluralOf, sharedTypesOf, typeOfPlural } from '@esi/catalog';
import { startConsumer } from '@esi/messaging';
import { stopAll, type ServiceDeps, type Stop } from '@esi/service-runtime';
import { ConfigReader } from './config-reader.js';
import { dispatchOverdue } from './dispatch.js';
import { onChange, onResult, onUnplanned, type HandlerDeps } from './event-handlers.js';
import { MetaWrites } from './meta-writes.js';
import { PendingJobs } from './pending-jobs.js';
import { PlannerLine } from './planner-line.js';
import { SeenOutputs } from './seen-outputs.js';
import { RelationsSource } from './relations-source.js';
import { ResyncScheduler } from './resync-scheduler.js';

/** Results finished at once, and changes planned at once (of different resources; planner-line.ts). */
const RESULTS_AT_ONCE = 16;
const CHANGES_AT_ONCE = 16;

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
  const metaWrites = new MetaWrites(store, log);
  const seenOutputs = new SeenOutputs();
  const line = new PlannerLine({ store, pending, metaWrites, log, forgetHeld: () => seenOutputs.clear() });
  const plannedVersions = new Map<string, number>();
  const deps: HandlerDeps = {
    plan: { store, reader: new ConfigReader(store, pluralOf), pending, publisher, log, relations, typeInfo: (t) => types[t], typeOfPlural, isShared, plannedVersions },
    dispatch: { store, pending, publisher, tracer, log, pluralOf, isShared, metaWrites, seenOutputs, dispatching: new Set() },
    metaWrites,
    pluralOf,
    typeOfPlural,
  };

  const resync = new ResyncScheduler({
    store,
    log,
    typeOfPlural,
    plannedVersions,
    // Alone only when there is something to plan or dispatch (dispatchOverdue says why).
    planFound: (unplanned) =>
      unplanned.length === 0 && !dispatchOverdue(pending, Date.now(), config.redispatchAfterMs)
        ? Promise.resolve(0)
        : line.alone(() => onUnplanned(unplanned, deps, config.redispatchAfterMs)),
  });
  await resync.pass('start');
  resync.every(config.resyncIntervalMs);

  const consumerDeps = { tracer, log, prefix: config.streamPrefix, ackWaitSeconds: config.ackWaitSeconds };
  const changes = await startConsumer(
    messaging,
    {
      consumer: OWNERSHIP.planner.consumes.changes,
      decode: (d) => events.ResourceChanged.decode(d),
      // A removal plans every delete that waited for it: alone (planner-line.ts).
      handle: (m) => (m.removed ? line.alone(() => onChange(m, deps)) : line.change(m.resourceId, (beside) => onChange(m, deps, beside))),
      concurrency: CHANGES_AT_ONCE,
      spanName: 'process esi.config',
    },
    consumerDeps,
  );
  const results = await startConsumer(
    messaging,
    {
      consumer: OWNERSHIP.planner.consumes.results,
      decode: (d) => events.JobResult.decode(d),
      handle: (r) => line.result(r.job?.resourceId ?? '', () => onResult(r, deps)),
      concurrency: RESULTS_AT_ONCE,
      spanName: 'process esi.result',
    },
    consumerDeps,
  );
  log.info({ pending: pending.size }, 'pending jobs loaded');
  return stopAll(() => relations.stop(), changes.stop, results.stop, () => resync.stop(), () => metaWrites.all());
}
