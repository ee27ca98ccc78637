/**
 * Differences between a recorded job or state and ours, by the reference README's rules:
 * ids with their random suffix masked, params matched by name with `resources` as sets,
 * dependency lists as masked sets; states by worker_state, version, error and
 * state_monitoring.
 */
import { isDeepStrictEqual } from 'node:util';
import { mask } from './masking.js';

type Job = Record<string, unknown>;
interface Param {
  param: string;
  type: string;
  value: unknown;
  resources: { resource_type: string; resource_id: string }[];
}

const refSet = (rs: Param['resources']): string[] => [...new Set(rs.map((r) => `${r.resource_type}:${r.resource_id}`))].sort();

export function jobDifferences(expected: Job, actual: Job): string[] {
  const diffs: string[] = [];
  for (const f of ['action', 'handler', 'resource_type', 'resource_id', 'version', 'job_name', 'is_first', 'is_last', 'on_failure']) {
    if (!isDeepStrictEqual(expected[f], actual[f])) diffs.push(`${f}: expected ${JSON.stringify(expected[f])}, got ${JSON.stringify(actual[f])}`);
  }
  if (!isDeepStrictEqual(expected.resource_input, actual.resource_input)) diffs.push('resource_input differs');
  const deps = (j: Job): string[] => ((j.dependency as string[]) ?? []).map((d) => String(mask(d))).sort();
  if (!isDeepStrictEqual(deps(expected), deps(actual))) diffs.push(`dependency: expected ${JSON.stringify(deps(expected))}, got ${JSON.stringify(deps(actual))}`);
  const ours = new Map(((actual.params as Param[]) ?? []).map((p) => [p.param, p]));
  for (const p of (expected.params as Param[]) ?? []) {
    const q = ours.get(p.param);
    ours.delete(p.param);
    if (!q) {
      diffs.push(`param ${p.param}: missing`);
      continue;
    }
    if (p.type !== q.type) diffs.push(`param ${p.param}: type ${q.type}, recorded ${p.type}`);
    if (!isDeepStrictEqual(normaliseList(p), normaliseList(q))) diffs.push(`param ${p.param}: value ${JSON.stringify(q.value)}, recorded ${JSON.stringify(p.value)}`);
    if (!isDeepStrictEqual(refSet(p.resources), refSet(q.resources))) diffs.push(`param ${p.param}: resources ${JSON.stringify(refSet(q.resources))}, recorded ${JSON.stringify(refSet(p.resources))}`);
  }
  for (const extra of ours.keys()) diffs.push(`param ${extra}: not recorded`);
  return diffs;
}

/** Inner elements of a list param carry their own `resources` (always []). */
function normaliseList(p: Param): unknown {
  if (p.type !== 'list' || !Array.isArray(p.value)) return p.value;
  return (p.value as Param[]).map((e) => ({ type: e.type, value: e.value, param: e.param }));
}

export interface StateView {
  worker_state?: string;
  version?: number;
  error?: string;
  state_monitoring?: unknown;
}

export function stateView(value: unknown): StateView {
  const v = value as { state?: Record<string, string>; version?: number; error?: string };
  const sm = v.state?.state_monitoring;
  return {
    worker_state: v.state?.worker_state,
    version: v.version,
    error: v.error,
    ...(sm !== undefined ? { state_monitoring: JSON.parse(sm) as unknown } : {}),
  };
}

export function stateDifferences(expected: unknown, actual: unknown): string[] {
  const e = stateView(expected);
  const a = stateView(actual);
  const diffs: string[] = [];
  for (const f of ['worker_state', 'version', 'error', 'state_monitoring'] as const) {
    if (!isDeepStrictEqual(e[f], a[f])) diffs.push(`${f}: expected ${JSON.stringify(e[f])}, got ${JSON.stringify(a[f])}`);
  }
  return diffs;
}
