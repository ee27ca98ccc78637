/**
 * One object per stored slice: where its keys live, how a key is built and split, and
 * how a stored value is read. Readers go through these rather than spelling prefixes or
 * casting JSON.parse, so a slice's layout is said once (a lint rule keeps key literals
 * inside this package).
 *
 * `parse` returns undefined for a value that is not the slice's shape (unparsable JSON,
 * or missing the fields every writer sets): readers skip such a value, as they would a
 * key that is not there, instead of failing on a half-understood one.
 */
import {
  KEY_PREFIX,
  configKey,
  heatStackKey,
  jobKey,
  jobStateKey,
  monitoringKey,
  parseCollectionKey,
  parseResourceKey,
  plannerJobMetaKey,
  stateKey,
} from './keys.js';
import type { JobMeta, WorkflowRecord } from './planner-records.js';
import type { ConfigValue, HeatStackValue, StateValue, StoredJobValue } from './stored-values.js';

export interface ResourceSlice<V> {
  /** Every key of the slice starts with this. */
  readonly prefix: string;
  key(plural: string, id: string): string;
  /** The resource a key names, or undefined when the key is not one of this slice's. */
  resourceOf(key: string): { plural: string; id: string } | undefined;
  parse(raw: string): V | undefined;
}

export interface JobSlice<V> {
  readonly prefix: string;
  key(jobId: string): string;
  /** The job id a key names, or undefined when the key is not one of this slice's. */
  jobOf(key: string): string | undefined;
  parse(raw: string): V | undefined;
}

type Check<V> = (value: Record<string, unknown>) => value is Record<string, unknown> & V;

function jsonObject<V>(raw: string, check: Check<V>): V | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  return check(record) ? record : undefined;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const jobSlice = <V>(prefix: string, key: (id: string) => string, parse: (raw: string) => V | undefined): JobSlice<V> => ({
  prefix,
  key,
  jobOf: (k) => (k.startsWith(prefix) && k.length > prefix.length && !k.slice(prefix.length).includes('/') ? k.slice(prefix.length) : undefined),
  parse,
});

export const SLICES = Object.freeze({
  /** /config/<collection>/<id>: desired state, written by the api. */
  config: {
    prefix: '/config/',
    key: configKey,
    resourceOf: (key) => parseCollectionKey('/config/', key),
    parse: (raw) => jsonObject(raw, (v): v is Record<string, unknown> & ConfigValue => typeof v.body === 'string' && isNumber(v.version)),
  } satisfies ResourceSlice<ConfigValue>,
  /** /state/<collection>/<id>: the folded state, written by the state-aggregator. */
  state: {
    prefix: '/state/',
    key: stateKey,
    resourceOf: (key) => parseCollectionKey('/state/', key),
    parse: (raw) => jsonObject(raw, (v): v is Record<string, unknown> & StateValue => typeof v.state === 'object' && v.state !== null && isNumber(v.version)),
  } satisfies ResourceSlice<StateValue>,
  /** /monitoring/v2.0/<plural>/<id>: what the poller last saw, written by the monitoring-worker. */
  monitoring: {
    prefix: KEY_PREFIX.monitoring,
    key: monitoringKey,
    resourceOf: (key) => parseResourceKey(KEY_PREFIX.monitoring, key),
    parse: (raw) => jsonObject(raw, (v): v is Record<string, unknown> => Boolean(v)),
  } satisfies ResourceSlice<Record<string, unknown>>,
  /** /esi-worker/heat_stacks/v2.0/<plural>/<id>: a resource's stack, written by the heat-worker. */
  heatStacks: {
    prefix: KEY_PREFIX.heatStacks,
    key: heatStackKey,
    resourceOf: (key) => parseResourceKey(KEY_PREFIX.heatStacks, key),
    parse: (raw) => jsonObject(raw, (v): v is Record<string, unknown> & HeatStackValue => typeof v.stack_status === 'string' && Array.isArray(v.output)),
  } satisfies ResourceSlice<HeatStackValue>,
  /** /esi-worker/job_state/v2.0/<plural>/<id>: job results folded per resource, by the state-aggregator. */
  jobState: {
    prefix: KEY_PREFIX.jobState,
    key: jobStateKey,
    resourceOf: (key) => parseResourceKey(KEY_PREFIX.jobState, key),
    parse: (raw) => jsonObject(raw, (v): v is Record<string, unknown> => Boolean(v)),
  } satisfies ResourceSlice<Record<string, unknown>>,
  /** /esi-planner/workflows/<plural>/<id>: the planner's latest workflow per resource. */
  plannerWorkflows: {
    prefix: KEY_PREFIX.plannerWorkflows,
    key: (plural, id) => `${KEY_PREFIX.plannerWorkflows}${plural}/${id}`,
    resourceOf: (key) => parseResourceKey(KEY_PREFIX.plannerWorkflows, key),
    parse: (raw) =>
      jsonObject(raw, (v): v is Record<string, unknown> & WorkflowRecord => isNumber(v.version) && typeof v.action === 'string' && Array.isArray(v.jobs)),
  } satisfies ResourceSlice<WorkflowRecord>,
  /** /jobs/all/<id> = [handler, job, 0]: pending jobs, written by the planner. */
  jobs: jobSlice<StoredJobValue>(KEY_PREFIX.jobs, jobKey, (raw) => {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
    return Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'object' && value[1] !== null
      ? (value as StoredJobValue)
      : undefined;
  }),
  /** /esi-planner/jobs/<id>: the planner's bookkeeping beside each pending job. */
  plannerJobMeta: jobSlice<JobMeta>(KEY_PREFIX.plannerJobMeta, plannerJobMetaKey, (raw) =>
    jsonObject(raw, (v): v is Record<string, unknown> & JobMeta => typeof v.template_id === 'string' && isNumber(v.planned_at_ms)),
  ),
});
