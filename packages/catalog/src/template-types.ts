/**
 * Shapes of the template catalog as stored under /config/v2.0/heat_templates/<id>
 * (esi-reference §4.1) and of the parameter-mapping language (§4.3, §4.4).
 */

export const HANDLERS = ['heat_worker', 'monitoring_worker'] as const;
export type Handler = (typeof HANDLERS)[number];

export function isHandler(value: unknown): value is Handler {
  return typeof value === 'string' && (HANDLERS as readonly string[]).includes(value);
}

/** A hop of an object-form path: fk field (type from relations), typed fk, or computed fk. */
export type PathHop = string | { id: string; type: string } | { concatenate: ConcatenatePart[] };

/** Bare strings inside `concatenate` and conditions are literals, not compact mappings. */
export type ConcatenatePart = string | MappingObject;

export type Condition =
  | { equal: [ConcatenatePart, ConcatenatePart] }
  | { regexp: [ConcatenatePart, ConcatenatePart] };

/**
 * Object form of a mapping.  Exactly one "kind" member (constant, field, output_key,
 * version, nested, concatenate, if_mapping, for_field) plus the members that kind allows;
 * mappingProblems() in @esi/mapping checks that, the type only describes the members.
 */
export interface MappingObject {
  constant?: unknown;
  field?: string;
  output_key?: string;
  path?: PathHop[];
  version?: 'auto_filled';
  nested?: string[];
  concatenate?: ConcatenatePart[];
  if_mapping?: Condition;
  then_mapping?: ParameterMapping;
  else_mapping?: ParameterMapping;
  for_field?: string | ParameterMapping;
  for_mapping?: ParameterMapping;
  ignore_missing?: boolean;
}

/** A compact string (`C…`, `P…`, `V…`, `M…`, `F…`, `O…`, `A…`) or the object form. */
export type ParameterMapping = string | MappingObject;

/** The decoded `body` of a stored template. */
export interface TemplateBody {
  handler: Handler;
  id: string;
  parameter_mappings: Record<string, ParameterMapping>;
  template_file: string;
  watch: unknown[];
}

/** The etcd value: the body is a JSON string inside the envelope. */
export interface StoredTemplateValue {
  body: string;
  marked_for_deletion: boolean;
  version: number;
}

export interface StoredTemplate {
  id: string;
  value: StoredTemplateValue;
  body: TemplateBody;
}
