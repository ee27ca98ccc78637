/**
 * Pure planning: from a resource's config and what is known about its state, decide the
 * action, choose each handler's template, plan params and dependencies. No I/O but the
 * injected lookups, so the planner, the api's dry run and the replay tests share it.
 */
import { HANDLERS, type ConfigValue, type Handler, type StoredJob } from '@esi/contracts';
import { MappingError, planParams, resolveTemplateId, type MappingContext, type Relations, type ResourceLookup } from '@esi/mapping';
import { crossDependencies, type PendingView } from './dependencies.js';
import { jobId, jobName } from './job-ids.js';
import { workflowJobs, type Action } from './workflows.js';

/** What planning reads of a stored template (the whole body is @esi/catalog's TemplateBody). */
export interface TemplateBody {
  handler: string;
  id: string;
  parameter_mappings: Record<string, unknown>;
  template_file: string;
}

export interface ResourceTypeInfo {
  plural: string;
  template_mappings?: Partial<Record<Handler, unknown>>;
}

export interface PlanInput {
  type: string;
  id: string;
  config: ConfigValue;
  /** Version of /state, when there is one. */
  stateVersion: number | undefined;
  /** Version of the latest workflow planned, when there is one. */
  plannedVersion: number | undefined;
  /**
   * The body the previous workflow was planned from. The original planned the
   * delete-monitoring job that opens a modify from it (the monitoring it removes is the
   * old one), while resource_input carries the new body.
   */
  previousBody?: Record<string, unknown>;
  typeInfo: ResourceTypeInfo;
  relations: Relations;
  lookup: ResourceLookup;
  getTemplate(templateId: string): Promise<TemplateBody | undefined>;
  pending: PendingView;
  /** Plan this action whatever the versions say (a retry of a failed workflow). */
  forceAction?: Action;
  /** Job-id suffixes; random unless a caller (a test, a dry run) fixes them. */
  suffix?: () => string;
  /**
   * Called with the planned jobs in the same synchronous step that computed their
   * dependencies from `pending`, before anything else can run. A planner that plans
   * several changes at once adds them to its pending view here, so a plan that computes
   * its dependencies later sees them, and one computed earlier is seen by them.
   */
  claim?: (jobs: StoredJob[]) => void;
}

export type PlanResult =
  | { kind: 'up-to-date' }
  | { kind: 'skipped'; action: Action; version: number; missingTemplates: string[] }
  | { kind: 'failed'; action: Action; version: number; error: string }
  | { kind: 'planned'; action: Action; version: number; jobs: StoredJob[]; templateIds: string[]; missingTemplates: string[] };

export async function planWorkflow(input: PlanInput): Promise<PlanResult> {
  const { type, id, config } = input;
  const version = config.version;
  if (!input.forceAction) {
    if (input.stateVersion !== undefined && input.stateVersion >= version) return { kind: 'up-to-date' };
    if (input.plannedVersion !== undefined && input.plannedVersion >= version) return { kind: 'up-to-date' };
  }

  const body = JSON.parse(config.body) as Record<string, unknown>;
  const action: Action = input.forceAction
    ? input.forceAction
    : config.marked_for_deletion
    ? 'delete'
    : input.stateVersion !== undefined || input.plannedVersion !== undefined
      ? 'modify'
      : 'create';
  const ctx: MappingContext = { resourceType: type, resourceId: id, body, version, relations: input.relations, lookup: input.lookup };

  const chosen: [Handler, string][] = [];
  for (const handler of HANDLERS) {
    const mapping = input.typeInfo.template_mappings?.[handler];
    if (mapping === undefined) continue;
    let templateId: string | null;
    try {
      templateId = await resolveTemplateId(mapping, ctx);
    } catch (err) {
      if (err instanceof MappingError) return { kind: 'failed', action, version, error: `template mapping of ${type} for ${handler}: ${err.message}` };
      throw err;
    }
    if (templateId !== null) chosen.push([handler, templateId]);
  }
  // The templates are read together: one round trip rather than one per handler.
  const bodies = await Promise.all(chosen.map(([, templateId]) => input.getTemplate(templateId)));
  const templates = new Map<Handler, TemplateBody>();
  const missingTemplates: string[] = [];
  for (const [i, [handler, templateId]] of chosen.entries()) {
    const template = bodies[i];
    if (template) templates.set(handler, template);
    else missingTemplates.push(templateId);
  }
  if (templates.size === 0) return { kind: 'skipped', action, version, missingTemplates };

  const skeletons = workflowJobs(action, new Set(templates.keys()));
  const jobs: StoredJob[] = [];
  for (const [i, s] of skeletons.entries()) {
    const template = templates.get(s.handler)!;
    try {
      const removesOldMonitoring = action === 'modify' && s.action === 'delete' && input.previousBody !== undefined;
      const jobCtx = removesOldMonitoring ? { ...ctx, body: input.previousBody! } : ctx;
      jobs.push({
        is_first: i === 0,
        resource_id: id,
        handler: s.handler,
        job_name: jobName(type, id, version),
        dependency: [],
        version,
        params: await paramsFor(action, template, jobCtx),
        resource_type: type,
        action: s.action,
        is_last: i === skeletons.length - 1,
        on_failure: s.onFailure,
        id: jobId(s.action, s.handler, type, id, version, input.suffix?.()),
        resource_input: body,
      });
    } catch (err) {
      if (err instanceof MappingError) return { kind: 'failed', action, version, error: `template ${template.id}: ${err.message}` };
      throw err;
    }
  }
  for (const [i, s] of skeletons.entries()) jobs[i]!.dependency = s.after.map((k) => jobs[k]!.id);
  jobs[0]!.dependency = [...crossDependencies(jobs, input.pending), ...jobs[0]!.dependency];
  input.claim?.(jobs);
  return {
    kind: 'planned',
    action,
    version,
    jobs,
    templateIds: skeletons.map((s) => templates.get(s.handler)!.id),
    missingTemplates,
  };
}

/** A delete must not stall on references that are already gone. */
async function paramsFor(action: Action, template: TemplateBody, ctx: MappingContext) {
  try {
    return await planParams(template.parameter_mappings ?? {}, ctx);
  } catch (err) {
    if (action === 'delete' && err instanceof MappingError) return [];
    throw err;
  }
}
