/**
 * The planner's view of /jobs/all (the jobs not finished yet), plus the bookkeeping it
 * keeps beside each job under /esi-planner/jobs/<id>. The planner is the only writer of
 * both, so the in-memory copy is loaded once at start and kept in step with its writes.
 */
import { KEY_PREFIX, type StoredJob, type StoredJobValue } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';

export interface JobMeta {
  template_id: string;
  /** W3C trace context of the change that planned the job. */
  trace: Record<string, string>;
  /** The trace id inside `trace`, spelled out for people and tools. */
  trace_id?: string;
  planned_at_ms: number;
  /** 0 until dispatched. */
  dispatched_attempt: number;
  /** When the latest attempt was dispatched (Unix ms). */
  dispatched_at_ms?: number;
}

export interface PendingJob {
  job: StoredJob;
  meta: JobMeta;
}

export class PendingJobs {
  private readonly jobs = new Map<string, PendingJob>();

  async load(store: OwnedStore): Promise<void> {
    const all = await store.getPrefix(KEY_PREFIX.jobs);
    const metas = await store.getPrefix(KEY_PREFIX.plannerJobMeta);
    this.jobs.clear();
    for (const [key, raw] of all) {
      const id = key.slice(KEY_PREFIX.jobs.length);
      const [, job] = JSON.parse(raw) as StoredJobValue;
      const metaRaw = metas.get(`${KEY_PREFIX.plannerJobMeta}${id}`);
      const meta: JobMeta = metaRaw
        ? (JSON.parse(metaRaw) as JobMeta)
        : { template_id: '', trace: {}, planned_at_ms: 0, dispatched_attempt: 0 };
      this.jobs.set(id, { job, meta });
    }
  }

  get(id: string): PendingJob | undefined {
    return this.jobs.get(id);
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  set(p: PendingJob): void {
    this.jobs.set(p.job.id, p);
  }

  delete(id: string): void {
    this.jobs.delete(id);
  }

  all(): IterableIterator<PendingJob> {
    return this.jobs.values();
  }

  ofResource(type: string, id: string): PendingJob[] {
    return [...this.jobs.values()].filter((p) => p.job.resource_type === type && p.job.resource_id === id);
  }

  get size(): number {
    return this.jobs.size;
  }
}
