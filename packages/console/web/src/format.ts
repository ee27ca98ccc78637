/** Small readings of the api's JSON strings, shared by the views. */
import type { Resource, StateValue } from './api-types';

export function parseJson<T>(text: string): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export const stateOf = (r: Pick<Resource, 'stateJson'>): StateValue | undefined => parseJson<StateValue>(r.stateJson);

export const workerState = (r: Pick<Resource, 'stateJson'>): string => stateOf(r)?.state?.worker_state ?? '';

export function nameOf(r: Pick<Resource, 'bodyJson'>): string {
  const n = parseJson<{ name?: unknown }>(r.bodyJson)?.name;
  return typeof n === 'string' ? n : '';
}

export function tenantOf(r: Pick<Resource, 'bodyJson'>): string {
  const t = parseJson<{ tenant_id?: unknown }>(r.bodyJson)?.tenant_id;
  return typeof t === 'string' ? t : '';
}

/** The monitoring value without its version, as "key: value" pairs. */
export function monitoringText(r: Pick<Resource, 'monitoringJson'>): string {
  const m = parseJson<Record<string, unknown>>(r.monitoringJson);
  if (!m) return '';
  return Object.entries(m)
    .filter(([k]) => k !== 'version')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

/** Settled at its own version: the state is for the newest config. */
export const isSettled = (r: Resource): boolean => (stateOf(r)?.version ?? 0) >= r.version;

export const isFailed = (r: Resource): boolean => /_FAILED$/.test(workerState(r)) && isSettled(r);

export const shortId = (id: string): string => (id.length > 13 ? `${id.slice(0, 8)}…` : id);

export const time = (ms: number): string => (ms ? new Date(ms).toISOString().replace('T', ' ').replace('Z', '') : '');
