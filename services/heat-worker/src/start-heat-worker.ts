/**
 * The heat-worker's consumer: jobs from the shared `esi.work.heat_worker` work queue
 * (every worker process pulls from the same durable, so more workers share the work),
 * up to `concurrency` at once, each on its own stack, so a slow stack holds only its slot.
 */
import { STREAMS, events } from '@esi/contracts';
import { startConsumer, type Messaging, type Publisher, type RunningConsumer } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { Tracer } from '@opentelemetry/api';
import { publishJobResult } from '@esi/service-runtime';
import { KeyedLock } from './keyed-lock.js';
import { runHeatJob } from './run-heat-job.js';
import type { StackDriver } from './stack-driver.js';

export interface HeatWorkerDeps {
  messaging: Messaging;
  store: OwnedStore;
  publisher: Publisher;
  log: Logger;
  tracer: Tracer;
  /** ESI_STREAM_PREFIX */
  prefix: string;
  driver: StackDriver;
  concurrency: number;
  maxAttempts: number;
  pluralOf: (type: string) => string;
  /** Seconds before an unacknowledged job is delivered again (default 120). */
  ackWaitSeconds: number;
}

export function startHeatWorker(deps: HeatWorkerDeps): Promise<RunningConsumer> {
  const jobDeps = {
    store: deps.store,
    publisher: deps.publisher,
    driver: deps.driver,
    locks: new KeyedLock(),
    log: deps.log,
    pluralOf: deps.pluralOf,
    maxAttempts: deps.maxAttempts,
  };
  return startConsumer(
    deps.messaging,
    {
      stream: STREAMS.work,
      durable: 'heat_worker',
      filterSubject: 'esi.work.heat_worker',
      decode: (d) => events.JobDispatched.decode(d),
      handle: (d, meta) => runHeatJob(d, meta, jobDeps),
      concurrency: deps.concurrency,
      ackWaitSeconds: deps.ackWaitSeconds,
      // The worker gives up on its own after maxAttempts (failing the job); parking is
      // for messages it cannot even read, or errors it does not expect.
      maxDeliveries: deps.maxAttempts + 1,
      onParked: async (d, reason) => {
        if (d?.job) await publishJobResult(deps.publisher, d, { error: `parked in the dead-letter stream: ${reason}` });
      },
      spanName: 'process esi.work.heat_worker',
    },
    { tracer: deps.tracer, log: deps.log, prefix: deps.prefix },
  );
}
