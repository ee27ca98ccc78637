/**
 * Key builders for the original ESI etcd layout (seed document, esi-reference §2).
 * Each builder names the slice it belongs to; values are described in stored-values.ts and planner-records.ts, and parsed by SLICES (slices.ts).
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
  plannerWorkflows: '/esi-planner/workflows/',
  /** The planner's leader election (etcd3's election under this namespace). */
  plannerElection: '/esi-planner/',
  heatEngineStacks: '/esi-heat-engine/stacks/',
  monitoringTargets: '/esi-monitoring/targets/',
});

/**
 * Collections that the original kept outside v2.0 (esi-reference §2: tenants live under
 * `common/v1.0/tenants`). The catalog's resource-types.json says the same; a test keeps
 * the two in step.
 */
export const NON_V2_COLLECTIONS: Readonly<Record<string, string>> = Object.freeze({
  tenants: 'common/v1.0',
  usage: 'common/v1.0',
});

/** `v2.0/<plural>`, or the collection's own version prefix. */
export const collectionOf = (plural: string): string => `${NON_V2_COLLECTIONS[plural] ?? 'v2.0'}/${plural}`;

export const configKey = (plural: string, id: string): string => `/config/${collectionOf(plural)}/${id}`;
export const configCollectionPrefix = (plural: string): string => `/config/${collectionOf(plural)}/`;
export const templateKey = (templateId: string): string => `${KEY_PREFIX.templates}${templateId}`;
/**
 * The relations table (which foreign key points to which type) the planner follows,
 * stored by the api like the templates: data, replaceable at run time. Not a key of the
 * original layout (its JobManager read the table from Gohan's schemas).
 */
export const RELATIONS_KEY = '/config/esi/relations';
export const jobKey = (jobId: string): string => `${KEY_PREFIX.jobs}${jobId}`;
export const heatStackKey = (plural: string, id: string): string => `${KEY_PREFIX.heatStacks}${plural}/${id}`;
export const jobStateKey = (plural: string, id: string): string => `${KEY_PREFIX.jobState}${plural}/${id}`;
export const stateKey = (plural: string, id: string): string => `/state/${collectionOf(plural)}/${id}`;
export const stateCollectionPrefix = (plural: string): string => `/state/${collectionOf(plural)}/`;
export const monitoringKey = (plural: string, id: string): string => `${KEY_PREFIX.monitoring}${plural}/${id}`;
export const plannerJobMetaKey = (jobId: string): string => `${KEY_PREFIX.plannerJobMeta}${jobId}`;
export const heatEngineStackKey = (stackName: string): string => `${KEY_PREFIX.heatEngineStacks}${stackName}`;
export const monitoringTargetKey = (plural: string, id: string, item: string): string =>
  `${KEY_PREFIX.monitoringTargets}${plural}/${id}/${item}`;

/** Splits a /config or /state key of any collection into plural and id. */
export function parseCollectionKey(root: '/config/' | '/state/', key: string): { plural: string; id: string } | undefined {
  if (!key.startsWith(root)) return undefined;
  const parts = key.slice(root.length).split('/');
  const id = parts.pop();
  const plural = parts.pop();
  if (!id || !plural || collectionOf(plural) !== [...parts, plural].join('/')) return undefined;
  return { plural, id };
}

/** Splits `/<prefix>/<plural>/<id>` keys of a per-resource slice. */
export function parseResourceKey(prefix: string, key: string): { plural: string; id: string } | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const [plural, id, ...rest] = key.slice(prefix.length).split('/');
  if (!plural || !id || rest.length > 0) return undefined;
  return { plural, id };
}
