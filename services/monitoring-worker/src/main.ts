/** monitoring-worker: registers monitoring targets for jobs and polls them. */
import { STREAMS, events } from '@esi/contracts';
import { parsers } from '@esi/config';
import { loadResourceTypes, pluralOf } from '@esi/catalog';
import { startConsumer } from '@esi/messaging';
import { runService, stopAll } from '@esi/service-runtime';
import { Poller } from './poller.js';
import { SimulatedProbe } from './probe.js';
import { runMonitoringJob } from './run-monitoring-job.js';

await runService({
  name: 'monitoring-worker',
  spec: {
    pollIntervalMs: { env: 'ESI_POLL_INTERVAL_MS', default: 5_000, parse: parsers.int(100, 3_600_000) },
    pollConcurrency: { env: 'ESI_POLL_CONCURRENCY', default: 16, parse: parsers.int(1, 1024) },
    concurrency: { env: 'ESI_MONITORING_CONCURRENCY', default: 8, parse: parsers.int(1, 256) },
  },
  async start({ messaging, store, publisher, log, tracer, config }) {
    loadResourceTypes();
    const consumer = await startConsumer(
      messaging,
      {
        stream: STREAMS.work,
        durable: 'monitoring_worker',
        filterSubject: 'esi.work.monitoring_worker',
        decode: (d) => events.JobDispatched.decode(d),
        handle: (d) => runMonitoringJob(d, { store, publisher, log, pluralOf }),
        concurrency: config.concurrency,
        spanName: 'process esi.work.monitoring_worker',
      },
      { tracer, log, prefix: config.streamPrefix },
    );
    const poller = new Poller({
      store,
      publisher,
      probe: new SimulatedProbe(),
      log,
      intervalMs: config.pollIntervalMs,
      concurrency: config.pollConcurrency,
    });
    poller.start();
    return stopAll(consumer.stop, () => poller.stop());
  },
});
