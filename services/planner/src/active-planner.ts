/**
 * What an active planner runs: load pending jobs, resync, then consume changes and
 * results (side by side, one at a time per resource: planner-line.ts). With one
 * partition it runs all of it while it leads; with more (partitions.ts), it follows the
 * other partitions' jobs from etcd and consumes and resyncs each partition it holds.
 */
import { OWNERSHIP, events, type ConsumerDecl } from '@esi/contracts';
import { loadRelations, loadResourceTypes, loadSchemas, pluralOf, sharedTypesOf, typeOfPlural } from '@esi/catalog';
import { startConsumer, type RunningConsumer } from '@esi/messaging';
import { stopAll, type ServiceDeps, type Stop } from '@esi/service-runtime';
import { ConfigReader } from './config-reader.js';
import { dispatchOverdue, dispatchReady } from './dispatch.js';
import { onChange, onResult, onUnplanned, type HandlerDeps } from './event-handlers.js';
import { ForeignJobs } from './foreign-jobs.js';
import { MetaWrites } from './meta-writes.js';
import { claimPartitions } from './partition-claims.js';
import { Partitions } from './partitions.js';
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
  partitions: number;
  preferredPartitions: number[];
}

/** With one partition: everything, from now (the caller leads). */
export async function runActivePlanner(deps: ServiceDeps<PlannerConfig>): Promise<Stop> {
  const planner = await startPlanner(deps, new Partitions(1));
  await planner.resync.pass('start');
  planner.resync.every(deps.config.resyncIntervalMs);
  const consumers = await planner.consume();
  deps.log.info({ pending: planner.pending.size }, 'pending jobs loaded');
  return stopAll(consumers.stop, planner.stop);
}

/** With partitions: each partition from when it is held (partition-claims.ts). */
export async function runPartitionedPlanner(deps: ServiceDeps<PlannerConfig>): Promise<Stop> {
  const { config, store, log } = deps;
  const partitions = new Partitions(config.partitions);
  const planner = await startPlanner(deps, partitions);
  const consumers: RunningConsumer[] = [];
  planner.resync.every(config.resyncIntervalMs);
  const stopClaims = claimPartitions(store, log, {
    count: config.partitions,
    preferred: config.preferredPartitions,
    ttlSeconds: config.leaseTtlSeconds,
    standbyDelayMs: 2 * config.leaseTtlSeconds * 1_000 + 1_000,
    onHeld: async (k) => {
      // Alone: no handler runs while the partition's jobs come from etcd (what its
      // previous holder stored, with their dispatch records).
      await planner.line.alone(async () => {
        partitions.hold(k);
        await planner.pending.reloadOwn(store);
      });
      // Its jobs recorded as dispatched but not known sent, and those ready, go out now,
      // not at the next event that happens to dispatch.
      await planner.line.result('', () => dispatchReady(planner.dispatchDeps));
      consumers.push(await planner.consume(k));
      await planner.resync.pass('start');
      log.info({ partition: k, held: partitions.heldList, pending: planner.pending.size }, 'partition planning started');
    },
  });
  return stopAll(stopClaims, () => Promise.all(consumers.map((c) => c.stop())).then(() => undefined), planner.stop);
}

async function startPlanner({ messaging, store, publisher, log, tracer, config }: ServiceDeps<PlannerConfig>, partitions: Partitions) {
  const types = loadResourceTypes();
  const isShared = sharedTypesOf(loadSchemas());
  const relations = await RelationsSource.start(store, config.relationsFile ? loadRelations(config.relationsFile) : loadRelations(), log);
  const pending = new PendingJobs((job) => partitions.ownsJob(job));
  const loadedAt = await pending.load(store);
  const metaWrites = new MetaWrites(store, log);
  const seenOutputs = new SeenOutputs();
  const line = new PlannerLine({ store, pending, metaWrites, log, forgetHeld: () => seenOutputs.clear(), ...(partitions.partitioned ? { reload: () => pending.reloadOwn(store) } : {}) });
  const plannedVersions = new Map<string, number>();
  const dispatchDeps = { store, pending, publisher, tracer, log, pluralOf, isShared, metaWrites, seenOutputs, dispatching: new Set<string>() };
  // A job of another partition finished: own jobs that waited for it may be ready.
  const releasedElsewhere = () => void line.result('', () => dispatchReady(dispatchDeps)).catch((err: unknown) => log.warn({ err }, 'dispatch after another partition’s job failed'));
  const foreign = partitions.partitioned ? await ForeignJobs.start(store, pending, loadedAt, log, releasedElsewhere) : undefined;
  const deps: HandlerDeps = {
    plan: { store, reader: new ConfigReader(store, pluralOf), pending, publisher, log, relations, typeInfo: (t) => types[t], typeOfPlural, isShared, plannedVersions, partitions, foreign },
    dispatch: dispatchDeps,
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
    planFound: (found) => {
      const unplanned = found.filter((u) => partitions.owns(u.id));
      return unplanned.length === 0 && !dispatchOverdue(pending, Date.now(), config.redispatchAfterMs)
        ? Promise.resolve(0)
        : line.alone(() => onUnplanned(unplanned, deps, config.redispatchAfterMs));
    },
  });

  const consumerDeps = { tracer, log, prefix: config.streamPrefix, ackWaitSeconds: config.ackWaitSeconds };
  /** The partition's consumers (every event when not partitioned); a removal reaches each. */
  const consume = async (k?: number): Promise<RunningConsumer> => {
    const inPartition = (id: string) => k === undefined || partitions.of(id) === k;
    const changes = await startConsumer(
      messaging,
      {
        consumer: ofPartition(OWNERSHIP.planner.consumes.changes, k),
        decode: (d) => events.ResourceChanged.decode(d),
        // A removal plans every delete that waited for it: alone (planner-line.ts).
        handle: (m) =>
          m.removed
            ? line.alone(() => onChange(m, deps, false, inPartition))
            : inPartition(m.resourceId)
              ? line.change(m.resourceId, (beside) => onChange(m, deps, beside))
              : Promise.resolve(),
        concurrency: CHANGES_AT_ONCE,
        spanName: 'process esi.config',
      },
      consumerDeps,
    );
    const results = await startConsumer(
      messaging,
      {
        consumer: ofPartition(OWNERSHIP.planner.consumes.results, k),
        decode: (d) => events.JobResult.decode(d),
        handle: (r) => (inPartition(r.job?.resourceId ?? '') ? line.result(r.job?.resourceId ?? '', () => onResult(r, deps)) : Promise.resolve()),
        concurrency: RESULTS_AT_ONCE,
        spanName: 'process esi.result',
      },
      consumerDeps,
    );
    return { stop: stopAll(changes.stop, results.stop) };
  };
  return {
    line,
    pending,
    dispatchDeps,
    resync,
    consume,
    stop: stopAll(() => relations.stop(), () => foreign?.stop() ?? Promise.resolve(), () => resync.stop(), () => metaWrites.all()),
  };
}

/**
 * A partition's own durable consumer: every partition reads every event and handles its
 * own (NATS 2.9 filters a consumer by one subject, and a resource's partition is not in
 * its subjects), so a partition taken over resumes where its previous holder acked.
 */
function ofPartition(decl: ConsumerDecl, k: number | undefined): ConsumerDecl {
  return k === undefined ? decl : { ...decl, durable: `${decl.durable}_p${k}` };
}
