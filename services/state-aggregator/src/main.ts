/** state-aggregator: folds job results into job_state and /state. */
import { OWNERSHIP, events } from '@esi/contracts';
import { loadResourceTypes, pluralOf } from '@esi/catalog';
import { startConsumer } from '@esi/messaging';
import { runService, stopAll } from '@esi/service-runtime';
import { foldJobResult } from './fold-job-result.js';
import { forgetRemoved } from './forget-removed.js';
import { KeyedLock } from '@esi/keyed-lock';
import { KnownState } from './known-state.js';
import { recordSkipped } from './record-skipped.js';

/** Results folded at once (of different resources). */
const RESULTS_AT_ONCE = 16;

await runService({
  name: 'state-aggregator',
  spec: {},
  async start({ messaging, store, publisher, log, tracer, config }) {
    loadResourceTypes();
    const deps = { store, publisher, log, pluralOf, known: new KnownState() };
    const consumerDeps = { tracer, log, prefix: config.streamPrefix, ackWaitSeconds: config.ackWaitSeconds };
    // Each resource's results are folded one at a time in stream order (KeyedLock;
    // the consumer hands messages over in delivery order), while results of different
    // resources are folded side by side: one at a time overall made every result wait
    // for the etcd round trips of all results before it.
    const order = new KeyedLock();
    const results = await startConsumer(
      messaging,
      {
        consumer: OWNERSHIP['state-aggregator'].consumes.results,
        decode: (d) => events.JobResult.decode(d),
        handle: (r) => order.run(`${r.job?.resourceType}:${r.job?.resourceId}`, () => foldJobResult(r, deps)),
        concurrency: RESULTS_AT_ONCE,
        spanName: 'process esi.result',
      },
      consumerDeps,
    );
    const skipped = await startConsumer(
      messaging,
      {
        consumer: OWNERSHIP['state-aggregator'].consumes.skipped,
        decode: (d) => events.WorkflowSkipped.decode(d),
        handle: (m) => recordSkipped(m, deps),
        spanName: 'process esi.skipped',
      },
      consumerDeps,
    );
    const removed = await startConsumer(
      messaging,
      {
        consumer: OWNERSHIP['state-aggregator'].consumes.removals,
        decode: (d) => events.ResourceChanged.decode(d),
        handle: (m) => forgetRemoved(m, deps),
        spanName: 'process esi.config',
      },
      consumerDeps,
    );
    return stopAll(results.stop, skipped.stop, removed.stop);
  },
});
