/**
 * Builds the /state value from a finished workflow's job_state, in the seed's shape:
 * every member JSON-encoded as a Python-style string, plus worker_state.
 */
import { pythonJsonDumps, type StateValue } from '@esi/contracts';

export type JobState = Record<string, unknown>;

export function stateValue(jobState: JobState, workerState: string, version: number, error = ''): StateValue {
  const state: Record<string, string> = {};
  for (const [k, v] of Object.entries(jobState)) state[k] = typeof v === 'string' ? v : pythonJsonDumps(v);
  state.worker_state = workerState;
  return { state, version, error };
}
