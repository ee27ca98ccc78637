/**
 * Resources whose change ended in a *_FAILED state (CREATE_FAILED, UPDATE_FAILED,
 * DELETE_FAILED, …): the live commands exit 1 when they saw one, and name each with its
 * error on stderr, so a script never reads "settled" as "succeeded".
 */
import { isFailedWorkerState } from '@esi/contracts';
import type { Ctx } from './context.js';
import { parseJson } from './format.js';

export interface Failure {
  resourceType: string;
  id: string;
  /** The build file's name for it, when it came from a build. */
  ref?: string;
  workerState: string;
  version: number;
  error: string;
}

interface StoredState {
  state?: { worker_state?: string };
  version?: number;
  error?: string;
}

/** The failure a /state value records, if it records one. */
export function failureIn(resourceType: string, id: string, value: unknown): Failure | undefined {
  const s = (typeof value === 'string' ? parseJson(value) : value) as StoredState | undefined;
  const workerState = s?.state?.worker_state ?? '';
  if (!isFailedWorkerState(workerState)) return undefined;
  return { resourceType, id, workerState, version: s?.version ?? 0, error: s?.error || '(no error recorded)' };
}

export function failureLine(f: Failure): string {
  return `${f.resourceType} ${f.id}${f.ref ? ` (${f.ref})` : ''}: ${f.workerState} at version ${f.version}: ${f.error}`;
}

/** Names every failed resource on stderr: text, or with --json one error document. */
export function reportFailures(ctx: Ctx, failures: Failure[], total = failures.length): void {
  const details = total === 1 ? 'the resource failed' : `${failures.length} of ${total} resources failed`;
  if (ctx.json) {
    const failed = failures.map((f) => ({ resource_type: f.resourceType, id: f.id, ref: f.ref ?? null, worker_state: f.workerState, version: f.version, error: f.error }));
    ctx.io.err(JSON.stringify({ error: { code: 'RESOURCE_FAILED', details, field: null, failed } }));
    return;
  }
  ctx.io.err(`esictl: ${details}:`);
  for (const f of failures) ctx.io.err(`  ${failureLine(f)}`);
}
