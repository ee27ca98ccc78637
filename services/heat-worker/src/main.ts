/** heat-worker: runs infrastructure stacks for heat_worker jobs. */
import { STREAMS, events } from '@esi/contracts';
import { parsers } from '@esi/config';
import { loadResourceTypes, pluralOf } from '@esi/catalog';
import { startConsumer } from '@esi/messaging';
import { runService } from '@esi/service-runtime';
import { StackEngine } from '@esi/stack-engine';
import { EtcdStackStore } from './etcd-stack-store.js';
import { runHeatJob } from './run-heat-job.js';

await runService({
  name: 'heat-worker',
  spec: {
    concurrency: { env: 'ESI_HEAT_CONCURRENCY', default: 8, parse: parsers.int(1, 256) },
  },
  async start({ messaging, store, publisher, log, tracer, config }) {
    loadResourceTypes();
    const engine = new StackEngine({ store: new EtcdStackStore(store) });
    const consumer = await startConsumer(
      messaging,
      {
        stream: STREAMS.work,
        durable: 'heat_worker',
        filterSubject: 'esi.work.heat_worker',
        decode: (d) => events.JobDispatched.decode(d),
        handle: (d) => runHeatJob(d, { store, publisher, engine, log, pluralOf }),
        concurrency: config.concurrency,
        ackWaitSeconds: 120,
        spanName: 'process esi.work.heat_worker',
      },
      { tracer, log, prefix: config.streamPrefix },
    );
    return consumer.stop;
  },
});
