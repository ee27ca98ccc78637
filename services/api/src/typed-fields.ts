/**
 * The typed fields beside the JSON strings of the api (issue 19): a request may carry a
 * body as google.protobuf.Struct instead of a JSON string, and every response carries
 * both. The domain code keeps working on the JSON text, so both ways in meet the same
 * checks (size, depth, schema); only the names in errors follow the field the client used.
 */
import { api } from '@esi/contracts';
import { ValidationError } from './errors.js';

type JsonObject = { [key: string]: unknown };

/**
 * The JSON text of a body given either as `jsonField` (a string) or as `typedField` (a
 * Struct); both at once is refused, since which one wins would be a guess.
 */
export function bodyText(json: string, typed: JsonObject | undefined, jsonField: string, typedField: string): string {
  if (typed === undefined) return json;
  if (json !== '') throw new ValidationError(typedField, `give either ${typedField} or ${jsonField}, not both`);
  return JSON.stringify(typed);
}

/**
 * Runs `fn`; when the body came as the typed field, a complaint about the JSON field (or
 * a member of it) names the typed field instead, so the client is told what it sent.
 */
export async function namingTyped<T>(typedUsed: boolean, jsonField: string, typedField: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (typedUsed && err instanceof ValidationError) throw err.renamed(jsonField, typedField);
    throw err;
  }
}

/** A JSON object text as a Struct's content; undefined for empty text or anything but an object. */
export function structOf(json: string): JsonObject | undefined {
  const v = valueOf(json);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

/** Any JSON text as a google.protobuf.Value's content; undefined when empty or not JSON. */
export function valueOf(json: string): unknown {
  if (json === '') return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

/** A resource with its typed body, state and monitoring beside the JSON strings. */
export function typedResource(r: api.Resource): api.Resource;
export function typedResource(r: api.Resource | undefined): api.Resource | undefined;
export function typedResource(r: api.Resource | undefined): api.Resource | undefined {
  if (!r) return r;
  return { ...r, body: structOf(r.bodyJson), state: structOf(r.stateJson), monitoring: structOf(r.monitoringJson) };
}

/** A template with its typed body (unset in lists, where body_json is empty). */
export function typedTemplate(t: Omit<api.Template, 'body'>): api.Template {
  return { ...t, body: structOf(t.bodyJson) };
}

/**
 * The enum value whose name is `prefix` + the string value in upper case ("up-to-date" →
 * PLAN_OUTCOME_UP_TO_DATE); the UNSPECIFIED value (0) for a string the enum lacks.
 */
function enumOf<E extends Record<string, string | number>>(values: E, prefix: string, text: string): E[keyof E] {
  const v = values[`${prefix}_${text.toUpperCase().replace(/-/g, '_')}` as keyof E];
  return (typeof v === 'number' ? v : 0) as E[keyof E];
}

export const changeActionOf = (text: string): api.ChangeAction => enumOf(api.ChangeAction, 'CHANGE_ACTION', text);
export const planOutcomeOf = (text: string): api.PlanOutcome => enumOf(api.PlanOutcome, 'PLAN_OUTCOME', text);
export const paramTypeOf = (text: string): api.ParamType => enumOf(api.ParamType, 'PARAM_TYPE', text);
export const historyEventKindOf = (text: string): api.HistoryEventKind => enumOf(api.HistoryEventKind, 'HISTORY_EVENT_KIND', text);
