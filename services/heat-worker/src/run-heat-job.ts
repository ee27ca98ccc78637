/**
 * Runs one heat_worker job: look the stack up, decide (plan-stack-step.ts), act through
 * the driver, record and report. A repeated delivery finds the stack carrying its own
 * tag and reports instead of acting again. Transient errors ask for another delivery
 * (the messaging edge naks with backoff and jitter) until `maxAttempts`, then the job
 * fails; errors in the job's input fail it at once, naming the template.
 */
import type { events } from '@esi/contracts';
import { PermanentError, RetryableError, type MessageMeta, type Publisher } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import type { TemplateReader } from '@esi/service-runtime';
import type { Logger } from '@esi/telemetry';
import { classifyError, messageOf } from './classify-error.js';
import { oneJobsStackReads, StackNameTaken } from './etcd-stack-store.js';
import { TransientStackFailure } from './errors.js';
import { jobTag, jobTags } from './job-tags.js';
import type { KeyedLock } from '@esi/keyed-lock';
import { planStackStep, type JobKind } from './plan-stack-step.js';
import { prepareCall } from './prepare-call.js';
import { reportFailure, reportStack } from './report-outcome.js';
import { isFailed, isInProgress, type StackCall, type StackDriver, type StackView } from './stack-driver.js';

export interface HeatJobDeps {
  store: OwnedStore;
  templates: TemplateReader;
  publisher: Publisher;
  driver: StackDriver;
  locks: KeyedLock;
  log: Logger;
  pluralOf: (type: string) => string;
  /** Deliveries of one job before a transient error fails it. */
  maxAttempts: number;
}

const KINDS: Record<string, JobKind> = { create: 'create', modify: 'modify', delete: 'delete', logical_delete: 'delete' };
const ACTION_NAMES: Record<JobKind, string> = { create: 'CREATE', modify: 'UPDATE', delete: 'DELETE' };

export async function runHeatJob(d: events.JobDispatched, meta: Pick<MessageMeta, 'deliveryCount'>, deps: HeatJobDeps): Promise<void> {
  const job = d.job;
  if (!job) throw new PermanentError('work message without a job');
  if (d.resolutionError) {
    await reportFailure(d, d.resolutionError, deps);
    return;
  }
  const kind = KINDS[job.action];
  if (kind === undefined) {
    await reportFailure(d, `heat_worker cannot ${JSON.stringify(job.action)} a stack`, deps);
    return;
  }
  const failedStatus = `${ACTION_NAMES[kind]}_FAILED`;
  const stackName = `${job.resourceType}_${job.resourceId}`;
  const mayRetry = meta.deliveryCount < deps.maxAttempts;
  try {
    const firstDelivery = meta.deliveryCount <= 1;
    await deps.locks.run(stackName, () => oneJobsStackReads(() => runOnce(d, kind, stackName, { mayRetry, firstDelivery }, deps)));
  } catch (error) {
    const kindOfError = classifyError(error);
    const message = messageOf(error);
    if (kindOfError === 'transient' && mayRetry) {
      deps.log.warn({ job: job.id, stack: stackName, delivery: meta.deliveryCount, err: error }, 'heat job hit a transient error; will retry');
      throw new RetryableError(`heat job ${job.id}, attempt ${meta.deliveryCount} of ${deps.maxAttempts}: ${message}`, { cause: error });
    }
    const reason =
      kindOfError === 'transient'
        ? `gave up after ${meta.deliveryCount} attempt(s): ${message}`
        : kindOfError === 'input' && !message.startsWith('template ')
          ? `template ${d.templateId}: ${message}`
          : message;
    deps.log.error({ job: job.id, stack: stackName, err: error }, 'heat job failed');
    await reportFailure(d, `${failedStatus}: ${reason}`, deps);
  }
}

async function runOnce(d: events.JobDispatched, kind: JobKind, stackName: string, attempt: { mayRetry: boolean; firstDelivery: boolean }, deps: HeatJobDeps): Promise<void> {
  const job = d.job!;
  const { driver } = deps;
  const { mayRetry } = attempt;
  const tags = jobTags(job.id, job.version);
  // A create job's first delivery expects no stack: it claims the name instead of looking
  // first. A stack already there (a namesake, or this job's own from an attempt whose
  // delivery was lost) is looked at and decided on below, as always: found by the claim,
  // or by the job's commit (etcd-stack-store.ts), which then stored nothing of ours.
  const claiming = kind === 'create' && attempt.firstDelivery && driver.createIfAbsent !== undefined;
  const call = claiming ? await prepareCall(d, stackName, tags, deps.templates) : undefined;
  const created = call && driver.createIfAbsent ? await driver.createIfAbsent(call) : undefined;
  if (created) deps.log.info({ job: job.id, stack: stackName, found: 'none', step: 'create', driver: driver.kind }, 'stack step chosen');
  const report = async (result: StackView | undefined): Promise<void> => {
    if (result && isFailed(result.status) && result.retryable && mayRetry) {
      throw new TransientStackFailure(result.status, result.reason);
    }
    await reportStack(d, result, kind === 'delete', deps);
    deps.log.info({ job: job.id, stack: stackName, status: result?.status ?? 'DELETE_COMPLETE' }, 'stack done');
  };
  try {
    await report(created ?? (await actOnStackAsFound(d, kind, stackName, { tags, mayRetry, call }, deps)));
  } catch (error) {
    if (!(created && error instanceof StackNameTaken)) throw error;
    // The claim is decided at the commit (etcd-stack-store.ts): a stack of this name was
    // stored meanwhile, and nothing of ours was. Look at it and decide, as any delivery does.
    deps.log.warn({ job: job.id, stack: stackName }, 'stack name taken when the create was stored; looking at the stack there');
    await report(await actOnStackAsFound(d, kind, stackName, { tags, mayRetry, call }, deps));
  }
}

/** "Checking job status": the stack as it is, brought to rest, decides what the job does. */
async function actOnStackAsFound(
  d: events.JobDispatched,
  kind: JobKind,
  stackName: string,
  given: { tags: string[]; mayRetry: boolean; call: StackCall | undefined },
  deps: HeatJobDeps,
): Promise<StackView | undefined> {
  const job = d.job!;
  const { driver } = deps;
  // The template and the stack are read together (one round trip).
  const [call, found] = await Promise.all([
    kind === 'delete' ? undefined : (given.call ?? prepareCall(d, stackName, given.tags, deps.templates)),
    driver.find(stackName),
  ]);
  let view = found;
  if (view && isInProgress(view.status)) view = await driver.settle(view);
  const step = planStackStep({ kind, view, tag: jobTag(job.id), version: job.version, mayRetry: given.mayRetry });
  deps.log.info({ job: job.id, stack: stackName, found: view?.status ?? 'none', step, driver: driver.kind }, 'stack step chosen');
  switch (step) {
    case 'report':
      return view;
    case 'absent':
      return undefined;
    case 'create':
      return driver.create(call!);
    case 'update':
      return driver.update(view!, call!);
    case 'delete':
      return driver.delete(view!);
    case 'recreate': {
      const left = await driver.delete(view!);
      return left ?? (await driver.create(call!));
    }
  }
}
