/**
 * The planner's record of the latest workflow planned for a resource, under
 * /esi-planner/workflows/<plural>/<id>. It makes planning idempotent (a redelivered
 * change finds its version already planned) and lets the resync find changes that
 * were never planned.
 */
export interface WorkflowRecord {
  version: number;
  action: string;
  jobs: string[];
  error?: string;
  /** The config body this workflow was planned from (the next modify needs it). */
  body?: Record<string, unknown>;
  /** The trace of the change this workflow was planned in (absent when planned by the resync). */
  trace_id?: string;
  /** A delete not planned yet because these resources (type:id) still reference it. */
  waiting?: { version: number; for: string[] };
}

export const WORKFLOW_PREFIX = '/esi-planner/workflows/';

export const workflowKey = (plural: string, id: string): string => `${WORKFLOW_PREFIX}${plural}/${id}`;
