/**
 * Key builders for the original ESI etcd layout (seed document, esi-reference §2).
 * Each builder names the slice it belongs to; values are described in value-types.ts.
 */
export const KEY_PREFIX = Object.freeze({
  config: '/config/v2.0/',
  templates: '/config/v2.0/heat_templates/',
  jobs: '/jobs/all/',
  heatStacks: '/esi-worker/heat_stacks/v2.0/',
  jobState: '/esi-worker/job_state/v2.0/',
  state: '/state/v2.0/',
  monitoring: '/monitoring/v2.0/',
  // Slices this project adds (not in the original layout).
  plannerJobMeta: '/esi-planner/jobs/',
  plannerDispatched: '/esi-planner/dispatched/',
  heatEngineStacks: '/esi-heat-engine/stacks/',
  monitoringTargets: '/esi-monitoring/targets/',
});

export const configKey = (plural: string, id: string): string => `${KEY_PREFIX.config}${plural}/${id}`;
export const templateKey = (templateId: string): string => `${KEY_PREFIX.templates}${templateId}`;
export const jobKey = (jobId: string): string => `${KEY_PREFIX.jobs}${jobId}`;
export const heatStackKey = (plural: string, id: string): string => `${KEY_PREFIX.heatStacks}${plural}/${id}`;
export const jobStateKey = (plural: string, id: string): string => `${KEY_PREFIX.jobState}${plural}/${id}`;
export const stateKey = (plural: string, id: string): string => `${KEY_PREFIX.state}${plural}/${id}`;
export const monitoringKey = (plural: string, id: string): string => `${KEY_PREFIX.monitoring}${plural}/${id}`;
export const plannerJobMetaKey = (jobId: string): string => `${KEY_PREFIX.plannerJobMeta}${jobId}`;
export const heatEngineStackKey = (stackName: string): string => `${KEY_PREFIX.heatEngineStacks}${stackName}`;
export const monitoringTargetKey = (plural: string, id: string, item: string): string =>
  `${KEY_PREFIX.monitoringTargets}${plural}/${id}/${item}`;

/** Splits `/<prefix>/<plural>/<id>` keys of a per-resource slice. */
export function parseResourceKey(prefix: string, key: string): { plural: string; id: string } | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const [plural, id, ...rest] = key.slice(prefix.length).split('/');
  if (!plural || !id || rest.length > 0) return undefined;
  return { plural, id };
}
