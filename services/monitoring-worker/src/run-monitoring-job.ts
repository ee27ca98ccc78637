/**
 * Runs one monitoring_worker job: renders the monitoring template into items, registers
 * them as targets for the poller, and reports state_monitoring as the original did.
 */
import { effectiveParams, templateKey, type ConfigValue, events } from '@esi/contracts';
import { PermanentError, type Publisher } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import { ITEM_TYPES } from './item-types.js';
import { renderMonitoring } from './render-items.js';
import { replaceTargets, type Target } from './targets.js';
import { publishJobResult } from '@esi/service-runtime';

export interface MonitoringJobDeps {
  store: OwnedStore;
  publisher: Publisher;
  log: Logger;
  pluralOf: (type: string) => string;
}

export async function runMonitoringJob(d: events.JobDispatched, deps: MonitoringJobDeps): Promise<void> {
  const job = d.job;
  if (!job) throw new PermanentError('work message without a job');
  const plural = deps.pluralOf(job.resourceType);
  if (d.resolutionError) {
    await publishJobResult(deps.publisher, d, { error: d.resolutionError });
    return;
  }
  if (job.action === 'delete' || job.action === 'logical_delete') {
    await replaceTargets(deps.store, plural, job.resourceId, []);
    await publishJobResult(deps.publisher, d, { result: {} });
    return;
  }
  const template = await deps.store.getJson<ConfigValue>(templateKey(d.templateId));
  if (!template) {
    await publishJobResult(deps.publisher, d, { error: `template ${d.templateId} not found` });
    return;
  }
  const body = JSON.parse(template.value.body) as { template_file: string };
  let rendered;
  try {
    rendered = renderMonitoring(body.template_file, effectiveParams(job, d.resolvedParams));
  } catch (err) {
    await publishJobResult(deps.publisher, d, { error: (err as Error).message });
    return;
  }
  const now = Date.now();
  const targets: Target[] = Object.entries(rendered.items)
    .filter(([, item]) => ITEM_TYPES[item.type]?.polled)
    .map(([name, item]) => ({
      resource_type: job.resourceType,
      plural,
      resource_id: job.resourceId,
      item: name,
      version: job.version,
      properties: item,
      registered_at_ms: now,
    }));
  await replaceTargets(deps.store, plural, job.resourceId, targets);

  const stateMonitoring: Record<string, string> = {};
  for (const [name, item] of Object.entries(rendered.items)) {
    const reported = ITEM_TYPES[item.type]?.reported(item);
    if (reported !== undefined) stateMonitoring[name] = reported;
  }
  await publishJobResult(deps.publisher, d, { result: { state_monitoring: stateMonitoring } });
  deps.log.info({ job: job.id, items: Object.keys(rendered.items) }, 'monitoring registered');
}
