/**
 * Read-only views of what the planner keeps in its own slice (written by
 * services/planner, which owns these shapes): /jobs/all/<id> = [handler, job, 0] for
 * pending jobs, /esi-planner/jobs/<id> beside each, and the latest workflow per
 * resource under /esi-planner/workflows/<plural>/<id>.
 */
import { KEY_PREFIX, type StoredJob, type StoredJobValue } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';

export interface JobMeta {
  template_id: string;
  /** W3C trace context carrier of the change that planned the job. */
  trace: Record<string, string>;
  planned_at_ms: number;
  /** 0 until dispatched. */
  dispatched_attempt: number;
}

export interface WorkflowRecord {
  version: number;
  action: string;
  jobs: string[];
  error?: string;
}

export interface PendingJob {
  job: StoredJob;
  meta: JobMeta | undefined;
}

export const WORKFLOW_PREFIX = '/esi-planner/workflows/';
export const workflowKey = (plural: string, id: string): string => `${WORKFLOW_PREFIX}${plural}/${id}`;

/** Every job still in /jobs/all, with its bookkeeping, read at once. */
export async function readPendingJobs(store: OwnedStore): Promise<Map<string, PendingJob>> {
  const [jobs, metas] = await Promise.all([store.getPrefix(KEY_PREFIX.jobs), store.getPrefix(KEY_PREFIX.plannerJobMeta)]);
  const out = new Map<string, PendingJob>();
  for (const [key, raw] of jobs) {
    const id = key.slice(KEY_PREFIX.jobs.length);
    const job = safeParse<StoredJobValue>(raw)?.[1];
    if (!job || typeof job !== 'object') continue;
    const meta = safeParse<JobMeta>(metas.get(`${KEY_PREFIX.plannerJobMeta}${id}`));
    out.set(id, { job, meta });
  }
  return out;
}

export async function readWorkflow(store: OwnedStore, plural: string, id: string): Promise<WorkflowRecord | undefined> {
  return (await store.getJson<WorkflowRecord>(workflowKey(plural, id)))?.value;
}

/** The trace id inside a W3C traceparent carrier ("" when there is none). */
export function traceIdOf(carrier: Record<string, string> | undefined): string {
  const tp = carrier?.traceparent ?? '';
  const parts = tp.split('-');
  return parts.length === 4 && /^[0-9a-f]{32}$/.test(parts[1]!) ? parts[1]! : '';
}

function safeParse<T>(raw: string | undefined): T | undefined {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}
