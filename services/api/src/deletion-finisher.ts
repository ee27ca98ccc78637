/**
 * The second step of a delete (docs/decisions.md, Delete): once the pipeline reports
 * DELETE_COMPLETED for the version that marked a resource for deletion, the api removes
 * its /config key and announces `removed: true`, so every other owner clears its slice.
 *
 * It is level-triggered: a sweep of every config marked for deletion at start (and
 * after any interruption), then an etcd watch of /state from the sweep's revision on, so
 * nothing written in between is missed and no cursor has to be stored. The watch makes
 * no spans, unlike a JetStream consumer, so the api does not join every change's trace.
 * Both paths confirm against etcd before acting; a second announcement of a removal is
 * dropped by JetStream through the deterministic message id.
 */
import { DELETE_COMPLETED, MSG_ID, SLICES, configKey, removedSubject, stateKey, events } from '@esi/contracts';
import { RetryableError, type Publisher } from '@esi/messaging';
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

/** Finishes every deletion whose DELETE_COMPLETED is already in /state; returns the revision read. */
export async function sweepDeletions(deps: FinisherDeps): Promise<{ revision: number; removed: number }> {
  // Paged: one read of every /config fails past the etcd client's 4 MiB response limit
  // (some 7,000 resources), and the api then retried it every 2 s without ever serving.
  const marked: { type: string; id: string; version: number }[] = [];
  const revision = await scanPrefix(deps.store, SLICES.config.prefix, (key, raw) => {
    const parsed = SLICES.config.resourceOf(key);
    const type = parsed && parsed.plural !== 'heat_templates' ? deps.types.typeOfPlural(parsed.plural) : undefined;
    if (!parsed || !type) return;
    const value = SLICES.config.parse(raw);
    if (value?.marked_for_deletion) marked.push({ type, id: parsed.id, version: value.version });
  });
  let removed = 0;
  for (const m of marked) if ((await finishDeletion(deps, m.type, m.id, m.version)) === 'removed') removed++;
  return { revision: Number(revision), removed };
}

/**
 * Sweeps, then watches /state for DELETE_COMPLETED from the sweep's revision on. A watch
 * failure or a failed removal starts over with a new sweep after a pause.
 */
export function runDeletionFinisher(deps: FinisherDeps, retryMs = 2_000): { stop(): Promise<void> } {
  let stopped = false;
  let cancel: (() => Promise<void>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const restart = (why: unknown): void => {
    if (stopped) return;
    deps.log.warn({ err: why }, 'deletion finisher restarts with a sweep');
    void cancel?.();
    cancel = undefined;
    timer = setTimeout(() => void cycle(), retryMs);
  };
  const cycle = async (): Promise<void> => {
    try {
      const { revision, removed } = await sweepDeletions(deps);
      if (removed > 0) deps.log.info({ removed }, 'deletions finished by the sweep');
      if (stopped) return;
      const watcher = await deps.store.watch({ prefix: SLICES.state.prefix }, { startRevision: String(revision + 1) }).create();
      cancel = () => watcher.cancel();
      let chain = Promise.resolve();
      watcher.on('error', restart);
      watcher.on('put', (kv) => {
        chain = chain.then(async () => {
          // Every /state write comes here; only a finished delete is work.
          const value = SLICES.state.parse(kv.value.toString());
          if (value?.state?.worker_state !== DELETE_COMPLETED) return;
          const parsed = SLICES.state.resourceOf(kv.key.toString());
          const type = parsed ? deps.types.typeOfPlural(parsed.plural) : undefined;
          if (parsed && type) await finishDeletion(deps, type, parsed.id, value.version);
        }).catch(restart);
      });
    } catch (err) {
      restart(err);
    }
  };
  void cycle();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await cancel?.();
    },
  };
}
