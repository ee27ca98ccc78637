/**
 * Runs one monitoring_worker job (esi-reference §5.3): renders the monitoring template
 * into items, registers the polled ones as targets, and reports state_monitoring as the
 * original did. A delete job removes the resource's targets (the poller then deletes its
 * /monitoring key); a create job of a new version replaces them.
 */
import { effectiveParams, events } from '@esi/contracts';
import { PermanentError, type Publisher } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import { ITEM_TYPES, stateMonitoring } from './item-types.js';
import { renderMonitoring, type RenderedMonitoring } from './render-items.js';
import { replaceTargets, type Target } from './targets.js';
import { publishJobResult, type TemplateReader } from '@esi/service-runtime';

export interface MonitoringJobDeps {
  store: OwnedStore;
  templates: TemplateReader;
  publisher: Publisher;
  log: Logger;
  pluralOf: (type: string) => string;
  /** The poller's followed copy of the targets: true when it holds none of the resource, undefined when not following. */
  holdsNoTargets?: (plural: string, resourceId: string) => boolean | undefined;
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
    // The original sent no message and reported nothing for a delete (§5.3).
    await replaceTargets(deps.store, plural, job.resourceId, []);
    await publishJobResult(deps.publisher, d, { result: {} });
    deps.log.info({ job: job.id }, 'monitoring targets removed');
    return;
  }
  const template = await deps.templates.read(d.templateId, d.templateRevision);
  if (!template) {
    await publishJobResult(deps.publisher, d, { error: `monitoring template ${d.templateId} not found` });
    return;
  }
  let rendered: RenderedMonitoring;
  try {
    const body = JSON.parse(template.value.body) as { template_file?: unknown };
    if (typeof body.template_file !== 'string') throw new Error('it has no template_file');
    rendered = renderMonitoring(body.template_file, effectiveParams(job, d.resolvedParams));
  } catch (err) {
    await publishJobResult(deps.publisher, d, { error: `monitoring template ${d.templateId}: ${(err as Error).message}` });
    return;
  }
  const now = Date.now();
  const targets: Target[] = Object.entries(rendered.items)
    .filter(([, item]) => ITEM_TYPES[item.type]?.probe !== undefined)
    .map(([name, item]) => ({
      resource_type: job.resourceType,
      plural,
      resource_id: job.resourceId,
      item: name,
      version: job.version,
      properties: item,
      registered_at_ms: now,
    }));
  await replaceTargets(deps.store, plural, job.resourceId, targets, {
    firstTime: job.action === 'create',
    knownEmpty: () => deps.holdsNoTargets?.(plural, job.resourceId),
  });
  await publishJobResult(deps.publisher, d, { result: { state_monitoring: stateMonitoring(rendered.items) } });
  deps.log.info({ job: job.id, items: Object.keys(rendered.items), polled: targets.length }, 'monitoring registered');
}
