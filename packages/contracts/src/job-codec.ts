/**
 * Converts between the protobuf Job carried in events and the stored /jobs/all form.
 * The stored form keeps the seed's member names; the event form is protobuf.
 */
import type { Job } from './gen/esi/events/v1/events.js';
import type { JobParamValue, StoredJob, StoredJobValue } from './stored-values.js';

export function storedJobFromEvent(job: Job): StoredJob {
  return {
    is_first: job.isFirst,
    resource_id: job.resourceId,
    handler: job.handler,
    job_name: job.jobName,
    dependency: [...job.dependency],
    version: job.version,
    params: job.params.map(
      (p): JobParamValue => ({
        resources: p.resources.map((r) => ({ resource_type: r.resourceType, resource_id: r.resourceId })),
        type: p.type as JobParamValue['type'],
        value: p.value ?? null,
        param: p.param,
      }),
    ),
    resource_type: job.resourceType,
    action: job.action,
    is_last: job.isLast,
    on_failure: job.onFailure === 'ignore' ? 'ignore' : 'fail',
    id: job.id,
    resource_input: job.resourceInput ?? {},
  };
}

export function eventJobFromStored(job: StoredJob): Job {
  return {
    id: job.id,
    action: job.action,
    handler: job.handler,
    resourceType: job.resource_type,
    resourceId: job.resource_id,
    version: job.version,
    jobName: job.job_name,
    isFirst: job.is_first,
    isLast: job.is_last,
    onFailure: job.on_failure,
    dependency: [...job.dependency],
    params: job.params.map((p) => ({
      param: p.param,
      type: p.type,
      value: p.value,
      resources: p.resources.map((r) => ({ resourceType: r.resource_type, resourceId: r.resource_id })),
    })),
    resourceInput: job.resource_input,
  };
}

export function storedJobValue(job: StoredJob): StoredJobValue {
  return [job.handler, job, 0];
}

/**
 * The values a worker runs a job with: `value` params as planned, `output_key` and
 * `list` params as the planner resolved them at dispatch.
 */
export function effectiveParams(job: Job, resolved: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of job.params) {
    out[p.param] = p.type === 'value' ? (p.value ?? null) : resolved?.[p.param];
  }
  return out;
}
