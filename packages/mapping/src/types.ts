/** A resource another resource's parameter depends on (§3.4). */
export interface ResourceRef {
  resource_type: string;
  resource_id: string;
}

export type ParamType = 'value' | 'output_key' | 'list';

/** One resolved template parameter, as stored in a job's `params`. */
export interface PlannedParam {
  param: string;
  type: ParamType;
  value: unknown;
  resources: ResourceRef[];
}

/** relations.json shape: resource type -> foreign-key field -> target resource type. */
export type Relations = Record<string, Record<string, string>>;

/** Reads the decoded `/config` body of another resource; undefined when it does not exist. */
export interface ResourceLookup {
  getBody(resourceType: string, id: string): Promise<Record<string, unknown> | undefined>;
}

/** The resource being planned plus everything a mapping may consult. */
export interface MappingContext {
  resourceType: string;
  resourceId: string;
  /** Decoded `/config` body of the resource being planned. */
  body: Record<string, unknown>;
  /** `/config` version being planned (what `V auto_filled` yields). */
  version: number;
  relations: Relations;
  lookup: ResourceLookup;
}
