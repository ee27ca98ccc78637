/**
 * Builds the /state value from a finished workflow's job_state, in the seed's shape:
 * every member JSON-encoded as a Python-style string, plus worker_state.
 */
import { pythonJsonDumps, type StateValue } from '@esi/contracts';

export type JobState = Record<string, unknown>;

/** G1 reports the last job's action: create → CREATE_COMPLETED (esi-reference §6). */
export function workerStateFor(action: string, failed: boolean): string {
  const base = action === 'logical_delete' ? 'delete' : action;
  return `${base.toUpperCase()}_${failed ? 'FAILED' : 'COMPLETED'}`;
}

export function stateValue(jobState: JobState, workerState: string, version: number, error = ''): StateValue {
  const state: Record<string, string> = {};
  for (const [k, v] of Object.entries(jobState)) state[k] = typeof v === 'string' ? v : pythonJsonDumps(v);
  state.worker_state = workerState;
  return { state, version, error };
}

export const READ_COMPLETE = 'READ_COMPLETE';
