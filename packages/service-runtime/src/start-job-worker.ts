/**
 * The consumer every job worker runs: its `jobs` consumer from the ownership registry,
 * JobDispatched messages, and one rule for a job that is parked in the dead-letter
 * stream (unreadable, or failing past its delivery limit): it ends FAILED with the
 * reason, so the resource's state shows why instead of waiting forever.
 */
import type { Tracer } from '@opentelemetry/api';
import { OWNERSHIP, events } from '@esi/contracts';
import { startConsumer, type MessageMeta, type Messaging, type Publisher, type RunningConsumer } from '@esi/messaging';
import type { Logger } from '@esi/telemetry';
import { publishJobResult } from './publish-job-result.js';

export type JobWorkerService = 'heat-worker' | 'monitoring-worker';

export interface JobWorkerDeps {
  messaging: Messaging;
  publisher: Publisher;
  tracer: Tracer;
  log: Logger;
  /** ESI_STREAM_PREFIX */
  prefix: string;
}

export interface JobWorkerOptions {
  service: JobWorkerService;
  handle: (job: events.JobDispatched, meta: MessageMeta) => Promise<void>;
  concurrency: number;
  ackWaitSeconds: number;
  /** Deliveries before a job that keeps failing is parked (the consumer's default when unset). */
  maxDeliveries?: number;
}

export function startJobWorker(deps: JobWorkerDeps, options: JobWorkerOptions): Promise<RunningConsumer> {
  const consumer = OWNERSHIP[options.service].consumes.jobs;
  return startConsumer(
    deps.messaging,
    {
      consumer,
      decode: (d) => events.JobDispatched.decode(d),
      handle: options.handle,
      concurrency: options.concurrency,
      ackWaitSeconds: options.ackWaitSeconds,
      ...(options.maxDeliveries === undefined ? {} : { maxDeliveries: options.maxDeliveries }),
      onParked: async (job, reason) => {
        if (job?.job) await publishJobResult(deps.publisher, job, { error: `parked in the dead-letter stream: ${reason}` });
      },
      spanName: `process ${consumer.filter}`,
    },
    { tracer: deps.tracer, log: deps.log, prefix: deps.prefix },
  );
}
