/**
 * The worker_state a resource's /state carries (esi-reference §6; the seed's checkpoints
 * 6 and 7): <ACTION>_COMPLETED or <ACTION>_FAILED after the last job of a workflow, by
 * that job's action, and READ_COMPLETE for a resource no job applies to. The
 * state-aggregator writes them; the api and the planner (a retry needs a failure; a
 * deletion finishes at DELETE_COMPLETED), esictl and the bench read them. The console's
 * page bundle keeps its own copy of the failed test: it takes nothing from the server
 * packages.
 */

export const READ_COMPLETE = 'READ_COMPLETE';
export const DELETE_COMPLETED = 'DELETE_COMPLETED';

/** G1 reports the last job's action: create → CREATE_COMPLETED; a logical delete is a delete. */
export function workerStateFor(action: string, failed: boolean): string {
  const base = action === 'logical_delete' ? 'delete' : action;
  return `${base.toUpperCase()}_${failed ? 'FAILED' : 'COMPLETED'}`;
}

/** The change ended in failure (CREATE_FAILED, UPDATE_FAILED, DELETE_FAILED, …). */
export function isFailedWorkerState(workerState: string | undefined): boolean {
  return /_FAILED$/.test(workerState ?? '');
}

/** The change settled, either way: nothing more happens to this version. */
export function isFinalWorkerState(workerState: string | undefined): boolean {
  return /_(COMPLETED|FAILED)$/.test(workerState ?? '') || workerState === READ_COMPLETE;
}

/**
 * The change settled without failure: its jobs all ran, and a retry of it has nothing to
 * redo (a redelivered result is a duplicate; Explain shows its jobs finished).
 */
export function isSucceededWorkerState(workerState: string | undefined): boolean {
  return isFinalWorkerState(workerState) && !isFailedWorkerState(workerState);
}
