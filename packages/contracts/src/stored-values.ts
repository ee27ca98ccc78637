/**
 * The value shapes of the original ESI layout, as JSON (seed document checkpoints).
 */
export interface ConfigValue {
  /** The resource as a JSON string, as Gohan stored it. */
  body: string;
  marked_for_deletion: boolean;
  version: number;
}

export interface ResourceRefValue {
  resource_type: string;
  resource_id: string;
}

export interface JobParamValue {
  param: string;
  type: 'value' | 'output_key' | 'list';
  value: unknown;
  resources: ResourceRefValue[];
}

export interface StoredJob {
  id: string;
  action: string;
  handler: string;
  resource_type: string;
  resource_id: string;
  version: number;
  job_name: string;
  is_first: boolean;
  is_last: boolean;
  on_failure: 'fail' | 'ignore';
  dependency: string[];
  params: JobParamValue[];
  resource_input: Record<string, unknown>;
}

/** /jobs/all/<id> = [handler, job, 0]; the trailing 0 is opaque (esi-reference §3.2). */
export type StoredJobValue = [string, StoredJob, 0];

/**
 * One output of a Heat stack, as Heat's API returns it and the ESI records keep it, keys
 * in that order: the Heat client, the embedded stack engine and /heat_stacks all use it.
 */
export interface HeatOutput {
  output_value: unknown;
  /** Present when Heat could not evaluate the output; output_value is then null. */
  output_error?: string;
  description: string;
  output_key: string;
}

export interface HeatStackValue {
  stack_id: string;
  tenant_id: string;
  stack_status: string;
  output: HeatOutput[];
  status_reason: string;
  id: string;
}

export interface StateValue {
  /** Members other than worker_state are JSON-encoded strings. */
  state: Record<string, string>;
  version: number;
  error: string;
}
