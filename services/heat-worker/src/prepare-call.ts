/**
 * Turns a create/modify job into the stack call: the template the planner chose (from
 * /config/v2.0/heat_templates, read unless held at the revision planned), rendered with the job's jinja_ params, and the
 * remaining params. Every problem here is the job's input and names the template.
 */
import { effectiveParams, type events } from '@esi/contracts';
import { HEAT_YAML_OPTIONS } from '@esi/stack-engine';
import { renderYamlTemplate } from '@esi/templating';
import type { TemplateReader } from '@esi/service-runtime';
import { BadJobInputError } from './errors.js';
import { splitHeatParams } from './heat-params.js';
import type { StackCall } from './stack-driver.js';

export async function prepareCall(
  d: events.JobDispatched,
  stackName: string,
  tags: readonly string[],
  templates: TemplateReader,
): Promise<StackCall> {
  const job = d.job!;
  const stored = await templates.read(d.templateId, d.templateRevision);
  if (!stored) throw new BadJobInputError(`template ${d.templateId} not found`);
  let templateFile: unknown;
  try {
    templateFile = (JSON.parse(stored.value.body) as { template_file?: unknown }).template_file;
  } catch (cause) {
    throw new BadJobInputError(`template ${d.templateId}: body is not JSON`, { cause });
  }
  if (typeof templateFile !== 'string') throw new BadJobInputError(`template ${d.templateId} has no template_file`);
  let call;
  try {
    call = splitHeatParams(effectiveParams(job, d.resolvedParams));
  } catch (cause) {
    throw new BadJobInputError(`template ${d.templateId}: ${(cause as Error).message}`, { cause });
  }
  let rendered: string;
  try {
    rendered = renderYamlTemplate(templateFile, call.jinja, { yaml: HEAT_YAML_OPTIONS }).text;
  } catch (cause) {
    throw new BadJobInputError(`template ${d.templateId} does not render: ${(cause as Error).message}`, { cause });
  }
  return { name: stackName, template: rendered, parameters: call.parameters, timeoutMins: call.timeoutMins, tags };
}
