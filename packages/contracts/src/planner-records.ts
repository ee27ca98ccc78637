/**
 * What the planner keeps beside the original layout, under /esi-planner/. The planner
 * writes these; the api reads them (Explain, Plan) through the same shapes and parsers,
 * so a field the planner adds is seen by both or by neither.
 */

/** /esi-planner/jobs/<job id>: the bookkeeping beside each pending job in /jobs/all. */
export interface JobMeta {
  template_id: string;
  /** The template's mod revision when planned: sent with the work, so workers skip the read. */
  template_revision?: string;
  /** W3C trace context carrier of the change that planned the job. */
  trace: Record<string, string>;
  /** The trace id inside `trace`, spelled out for people and tools. */
  trace_id?: string;
  planned_at_ms: number;
  /** 0 until dispatched. */
  dispatched_attempt: number;
  /** When the latest attempt was dispatched (Unix ms). */
  dispatched_at_ms?: number;
}

/**
 * /esi-planner/workflows/<plural>/<id>: the latest workflow planned for a resource. It
 * makes planning idempotent (a redelivered change finds its version already planned)
 * and lets the resync find changes that were never planned.
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

/** The trace id inside a W3C traceparent carrier ("" when there is none). */
export function traceIdOf(carrier: Record<string, string> | undefined): string {
  const parts = (carrier?.traceparent ?? '').split('-');
  return parts.length === 4 && /^[0-9a-f]{32}$/.test(parts[1]!) ? parts[1]! : '';
}
