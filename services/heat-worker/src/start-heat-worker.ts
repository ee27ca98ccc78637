/**
 * The heat-worker's consumer: jobs from the shared `esi.work.heat_worker` work queue
 * (every worker process pulls from the same durable, so more workers share the work),
 * up to `concurrency` at once, each on its own stack, so a slow stack holds only its slot.
 */
import type { Messaging, Publisher, RunningConsumer } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { Tracer } from '@opentelemetry/api';
import { startJobWorker, TemplateReader } from '@esi/service-runtime';
import { KeyedLock } from '@esi/keyed-lock';
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
    templates: new TemplateReader(deps.store),
    publisher: deps.publisher,
    driver: deps.driver,
    locks: new KeyedLock(),
    log: deps.log,
    pluralOf: deps.pluralOf,
    maxAttempts: deps.maxAttempts,
  };
  return startJobWorker(deps, {
    service: 'heat-worker',
    handle: (d, meta) => runHeatJob(d, meta, jobDeps),
    concurrency: deps.concurrency,
    ackWaitSeconds: deps.ackWaitSeconds,
    // The worker gives up on its own after maxAttempts (failing the job); parking is
    // for messages it cannot even read, or errors it does not expect.
    maxDeliveries: deps.maxAttempts + 1,
  });
}
