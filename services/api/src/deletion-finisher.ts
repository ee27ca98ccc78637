/**
 * The second step of a delete (docs/decisions.md, Delete): once the pipeline reports
 * DELETE_COMPLETED for the version that marked a resource for deletion, the api removes
 * its /config key and announces `removed: true`, so every other owner clears its slice.
 *
 * Two paths lead here. The aggregator announces each finished delete on the resource's
 * deleted subject, and the api's `deletions` consumer, which filters for those alone,
 * finishes it; the message waits in the stream while no api runs. A sweep of every
 * config marked for deletion at start finishes what no announcement brings (a delete
 * finished before the announcement existed, or a stream lost). Both confirm against etcd
 * before acting; a second announcement of a removal is dropped by JetStream through the
 * deterministic message id. The api used to follow every /state write with an etcd watch
 * for this, which woke it twice for each resource created, only to drop both.
 */
import { DELETE_COMPLETED, MSG_ID, OWNERSHIP, SLICES, configKey, removedSubject, stateKey, events } from '@esi/contracts';
import { RetryableError, startConsumer, type ConsumerDeps, type Messaging, type Publisher } from '@esi/messaging';
import { scanPrefix, type OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import { readConfig } from './resource-reads.js';
import type { TypeRegistry } from './type-rules.js';

export interface FinisherDeps {
  store: OwnedStore;
  publisher: Publisher;
  types: TypeRegistry;
  log: Logger;
}

export type FinishOutcome = 'removed' | 'announced-again' | 'not-yet' | 'superseded';

export async function finishDeletion(deps: FinisherDeps, type: string, id: string, version: number): Promise<FinishOutcome> {
  const plural = deps.types.pluralOf(type);
  if (!plural) return 'superseded';
  const key = configKey(plural, id);
  const [cfg, state] = await Promise.all([readConfig(deps.store, key), deps.store.read(stateKey(plural, id), SLICES.state.parse)]);
  const done = state?.value.version === version && state.value.state?.worker_state === DELETE_COMPLETED;
  if (!done) return 'not-yet';
  let outcome: FinishOutcome = 'announced-again';
  if (cfg) {
    // Only the very version that was marked for deletion may be removed: a key written
    // again since (a new version) is someone's newer intent.
    if (!cfg.value.marked_for_deletion || cfg.value.version !== version) return 'superseded';
    const ok = await deps.store.txn([{ key, modRevision: cfg.modRevision }], [{ delete: key }]);
    if (!ok) throw new RetryableError(`${type} ${id} changed while its deletion was finishing`);
    outcome = 'removed';
  }
  try {
    await deps.publisher.publish(
      removedSubject(type, id),
      events.ResourceChanged.encode({
        resourceType: type,
        resourceId: id,
        version,
        markedForDeletion: true,
        acceptedAtMs: Date.now(),
        removed: true,
        retry: false,
        configJson: '',
        configRevision: '',
      }).finish(),
      MSG_ID.removed(type, id, version),
    );
  } catch (err) {
    // The key is gone already; a redelivery of the state event announces again.
    throw new RetryableError(`${type} ${id} removed but not announced: ${(err as Error).message}`, { cause: err });
  }
  if (outcome === 'removed') deps.log.info({ resource: `${type}:${id}`, version }, 'deletion finished; config removed');
  return outcome;
}

/** Finishes every deletion whose DELETE_COMPLETED is already in /state; returns how many it removed. */
export async function sweepDeletions(deps: FinisherDeps): Promise<{ removed: number }> {
  // Paged: one read of every /config fails past the etcd client's 4 MiB response limit
  // (some 7,000 resources), and the api then retried it every 2 s without ever serving.
  const marked: { type: string; id: string; version: number }[] = [];
  await scanPrefix(deps.store, SLICES.config.prefix, (key, raw) => {
    const parsed = SLICES.config.resourceOf(key);
    const type = parsed && parsed.plural !== 'heat_templates' ? deps.types.typeOfPlural(parsed.plural) : undefined;
    if (!parsed || !type) return;
    const value = SLICES.config.parse(raw);
    if (value?.marked_for_deletion) marked.push({ type, id: parsed.id, version: value.version });
  });
  let removed = 0;
  for (const m of marked) if ((await finishDeletion(deps, m.type, m.id, m.version)) === 'removed') removed++;
  return { removed };
}

/**
 * Finishes each delete the aggregator announces, and sweeps once at start (again after a
 * pause while the sweep fails). `swept` settles once the sweep has read every config.
 */
export async function runDeletionFinisher(
  deps: FinisherDeps,
  messaging: Messaging,
  consumerDeps: ConsumerDeps,
  retryMs = 2_000,
): Promise<{ swept: Promise<void>; stop(): Promise<void> }> {
  const announced = await startConsumer(
    messaging,
    {
      consumer: OWNERSHIP.api.consumes.deletions,
      decode: (d) => events.StateChanged.decode(d),
      handle: async (m) => {
        if (m.workerState !== DELETE_COMPLETED) return;
        await finishDeletion(deps, m.resourceType, m.resourceId, m.version);
      },
      spanName: 'process esi.state',
    },
    consumerDeps,
  );
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  // Tried again after a pause until it has read every config once (or the api stops).
  const swept = (async () => {
    while (!stopped) {
      try {
        const { removed } = await sweepDeletions(deps);
        if (removed > 0) deps.log.info({ removed }, 'deletions finished by the sweep');
        return;
      } catch (err) {
        if (stopped) return;
        deps.log.warn({ err }, 'deletion sweep failed; trying again');
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, retryMs);
        });
      }
    }
  })();
  return {
    swept,
    async stop() {
      // A sweep under way is not waited for (it reads every config, page by page): it
      // ends at its next failure, once the store is closed, and says nothing then.
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await announced.stop();
    },
  };
}
