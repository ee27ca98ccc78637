/** heat-worker: runs infrastructure stacks for heat_worker jobs (embedded engine or OpenStack Heat). */
import { loadResourceTypes, pluralOf } from '@esi/catalog';
import { runService, stopAll } from '@esi/service-runtime';
import { startRemovalCleanup } from './forget-removed.js';
import { createDriver } from './create-driver.js';
import { heatWorkerSpec } from './heat-config.js';
import { startHeatWorker } from './start-heat-worker.js';

await runService({
  name: 'heat-worker',
  spec: heatWorkerSpec(process.env),
  async start({ messaging, store, publisher, log, tracer, config }) {
    loadResourceTypes();
    const driver = createDriver(config, store, log);
    log.info({ driver: driver.kind, concurrency: config.concurrency, maxAttempts: config.maxAttempts }, 'stack driver chosen');
    const consumer = await startHeatWorker({
      messaging,
      store,
      publisher,
      log,
      tracer,
      prefix: config.streamPrefix,
      driver,
      concurrency: config.concurrency,
      maxAttempts: config.maxAttempts,
      ackWaitSeconds: config.jobAckWaitSeconds,
      pluralOf,
    });
    const cleanup = await startRemovalCleanup({
      messaging,
      store,
      log,
      tracer,
      prefix: config.streamPrefix,
      ackWaitSeconds: config.ackWaitSeconds,
      pluralOf,
    });
    return stopAll(consumer.stop, cleanup.stop);
  },
});
