import type { Relations, ResourceRef } from './types.js';

/**
 * What one mapping produced, before it gets a parameter name. Lists keep their elements
 * as Evaluated so the element types survive until the PlannedParam is built.
 */
export type Evaluated =
  | { type: 'value' | 'output_key'; value: unknown; resources: ResourceRef[] }
  | { type: 'list'; elements: Evaluated[]; resources: ResourceRef[] };

/** Where a mapping is evaluated: the resource it reads, or a for_mapping loop element. */
export interface Scope {
  resourceType: string;
  resourceId: string;
  /**
   * The object `field`, `nested` and foreign-key hops read from: the resource body, or the
   * loop element when that element is an object; undefined for a scalar loop element.
   */
  record: Record<string, unknown> | undefined;
  /** Present inside for_mapping: `{"id": ""}` hops use the element itself as the id. */
  loop?: { element: unknown };
}

export interface Env {
  version: number;
  relations: Relations;
  /** Body of another resource; raises a `missing` fault when it does not exist. */
  fetch(resourceType: string, id: string): Promise<Record<string, unknown>>;
  /** Re-enters the evaluator; sub-mappings go through here so modules need not import each other. */
  evaluate(mapping: unknown, scope: Scope): Promise<Evaluated>;
}

export function plainValue(value: unknown): Evaluated {
  return { type: 'value', value, resources: [] };
}

export function resourceRef(resourceType: string, resourceId: string): ResourceRef {
  return { resource_type: resourceType, resource_id: resourceId };
}

/** Human description of a scope for error messages. */
export function describeScope(scope: Scope): string {
  const resource = `${scope.resourceType} "${scope.resourceId}"`;
  return scope.loop === undefined ? resource : `a for_mapping element of ${resource}`;
}

/** The JSON value an Evaluated stands for, used where results are compared (if_mapping). */
export function materialize(result: Evaluated): unknown {
  return result.type === 'list' ? result.elements.map(materialize) : result.value;
}

/**
 * Inside `concatenate` and condition operands a bare string is literal text (the G1
 * templates write `"_gw_id"`, `"internet"`), not a compact mapping.
 */
export function evaluateOperand(operand: unknown, scope: Scope, env: Env): Promise<Evaluated> {
  if (typeof operand === 'string') return Promise.resolve(plainValue(operand));
  return env.evaluate(operand, scope);
}
