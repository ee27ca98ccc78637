/**
 * Runs one heat_worker job against the stack engine and records the stack in
 * /esi-worker/heat_stacks. The engine looks the stack up first, so a job delivered twice
 * never creates two stacks.
 */
import { effectiveParams, heatStackKey, templateKey, type ConfigValue, type HeatStackValue, events } from '@esi/contracts';
import { PermanentError, type Publisher } from '@esi/messaging';
import { renderTemplate, type StackEngine, type StackResult } from '@esi/stack-engine';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import { splitHeatParams } from './heat-params.js';
import { publishJobResult } from '@esi/service-runtime';

export interface HeatJobDeps {
  store: OwnedStore;
  publisher: Publisher;
  engine: StackEngine;
  log: Logger;
  pluralOf: (type: string) => string;
}

export async function runHeatJob(d: events.JobDispatched, deps: HeatJobDeps): Promise<void> {
  const job = d.job;
  if (!job) throw new PermanentError('work message without a job');
  if (d.resolutionError) {
    await publishJobResult(deps.publisher, d, { error: d.resolutionError });
    return;
  }
  const stackName = `${job.resourceType}_${job.resourceId}`;
  const recordKey = heatStackKey(deps.pluralOf(job.resourceType), job.resourceId);
  const tenantId = String((job.resourceInput ?? {}).tenant_id ?? '');

  if (job.action === 'delete' || job.action === 'logical_delete') {
    const res = await deps.engine.deleteStack(stackName);
    if (isFailed(res)) return fail(d, deps, recordKey, tenantId, stackName, res);
    const record: HeatStackValue = {
      stack_id: '',
      tenant_id: tenantId,
      stack_status: 'DELETE_COMPLETE',
      output: [],
      status_reason: '',
      id: `${job.resourceType}:${job.resourceId}`,
    };
    await deps.store.putJson(recordKey, record);
    await publishJobResult(deps.publisher, d, { result: { heat_outputs: [] } });
    return;
  }

  const template = await deps.store.getJson<ConfigValue>(templateKey(d.templateId));
  if (!template) {
    await publishJobResult(deps.publisher, d, { error: `template ${d.templateId} not found` });
    return;
  }
  const body = JSON.parse(template.value.body) as { template_file: string };
  const call = splitHeatParams(effectiveParams(job, d.resolvedParams));
  let rendered: string;
  try {
    rendered = renderTemplate(body.template_file, call.jinja);
  } catch (err) {
    await publishJobResult(deps.publisher, d, { error: `template ${d.templateId} does not render: ${(err as Error).message}` });
    return;
  }
  const request = { name: stackName, template: rendered, params: call.parameters, timeoutMins: call.timeoutMins };
  const existing = await deps.engine.getStack(stackName);
  const res =
    job.action === 'modify' && existing ? await deps.engine.updateStack(request) : await deps.engine.createStack(request);
  if (isFailed(res)) return fail(d, deps, recordKey, tenantId, stackName, res);

  const record: HeatStackValue = {
    stack_id: stackName,
    tenant_id: tenantId,
    stack_status: res.status,
    output: res.outputs,
    status_reason: res.reason,
    id: `${job.resourceType}:${job.resourceId}`,
  };
  await deps.store.putJson(recordKey, record);
  await publishJobResult(deps.publisher, d, { result: { heat_outputs: res.outputs } });
  deps.log.info({ job: job.id, stack: stackName, status: res.status }, 'stack done');
}

function isFailed(res: StackResult): boolean {
  return res.status.endsWith('_FAILED');
}

async function fail(
  d: events.JobDispatched,
  deps: HeatJobDeps,
  recordKey: string,
  tenantId: string,
  stackName: string,
  res: StackResult,
): Promise<void> {
  const job = d.job!;
  await deps.store.putJson(recordKey, {
    stack_id: stackName,
    tenant_id: tenantId,
    stack_status: res.status,
    output: res.outputs,
    status_reason: res.reason,
    id: `${job.resourceType}:${job.resourceId}`,
  } satisfies HeatStackValue);
  await publishJobResult(deps.publisher, d, { error: `${res.status}: ${res.reason}` });
}
