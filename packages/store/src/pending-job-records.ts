/**
 * The pending jobs as the planner stores them: each job under /jobs/all/<id> (the
 * original layout) with its bookkeeping under /esi-planner/jobs/<id> beside it. The
 * planner writes a job and its bookkeeping in one transaction and removes them in one,
 * so the two prefixes are read at one revision: read at two, a plan committed between
 * the reads showed its job without its bookkeeping (no template, no trace id; seen in a
 * CI run's Explain). The planner loads its queue with this; the api's Explain and Plan
 * read it too. What to do with a value that does not parse is each caller's choice, so
 * those are listed, not dropped.
 */
import { KEY_PREFIX, SLICES, type JobMeta, type StoredJob } from '@esi/contracts';
import type { OwnedStore } from './owned-store.js';
import { scanPrefix } from './scan-prefix.js';

export interface PendingJobRecord {
  job: StoredJob;
  /** Undefined when none is stored, or when it does not parse (its key is then in `unreadable`). */
  meta: JobMeta | undefined;
}

export interface PendingJobRecords {
  /** By job id, in key order. */
  jobs: Map<string, PendingJobRecord>;
  /** The revision both prefixes were read at: a watch that follows them starts after it. */
  revision: string;
  /** Keys whose value does not parse: a job (left out of `jobs`) or a job's bookkeeping. */
  unreadable: string[];
}

export async function readPendingJobRecords(store: OwnedStore): Promise<PendingJobRecords> {
  // Paged (scanPrefix): a backlog of jobs must not exceed the client's message limit.
  const stored = new Map<string, string>();
  const metas = new Map<string, string>();
  const revision = await scanPrefix(store, KEY_PREFIX.jobs, (key, raw) => stored.set(key, raw));
  await scanPrefix(store, KEY_PREFIX.plannerJobMeta, (key, raw) => metas.set(key, raw), undefined, revision);
  const jobs = new Map<string, PendingJobRecord>();
  const unreadable: string[] = [];
  for (const [key, raw] of stored) {
    const id = SLICES.jobs.jobOf(key);
    const job = SLICES.jobs.parse(raw)?.[1];
    if (id === undefined || job === undefined) {
      unreadable.push(key);
      continue;
    }
    const metaKey = SLICES.plannerJobMeta.key(id);
    const metaRaw = metas.get(metaKey);
    const meta = metaRaw === undefined ? undefined : SLICES.plannerJobMeta.parse(metaRaw);
    if (metaRaw !== undefined && meta === undefined) unreadable.push(metaKey);
    jobs.set(id, { job, meta });
  }
  return { jobs, revision, unreadable };
}
