/**
 * The planner's view of /jobs/all (the jobs not finished yet), plus the bookkeeping it
 * keeps beside each job under /esi-planner/jobs/<id>. The planner is the only writer of
 * both, so the in-memory copy is loaded once at start and kept in step with its writes.
 */
import type { JobMeta, StoredJob } from '@esi/contracts';
import { readPendingJobRecords, type OwnedStore } from '@esi/store';

export type { JobMeta };

export interface PendingJob {
  job: StoredJob;
  meta: JobMeta;
}

/**
 * Besides the jobs themselves it keeps three indexes, because every change and every
 * result asks "which jobs are ready now?" and "which jobs has this resource?": scanning
 * every pending job for each made the planner's work per event grow with the backlog
 * (hundreds of jobs under load). The indexes answer both from what changed: jobs are
 * filed by resource; a job not dispatched yet is a candidate when it is added and again
 * whenever one of its dependencies leaves; answers keep the order of the jobs map.
 */
export class PendingJobs {
  private readonly jobs = new Map<string, PendingJob>();
  /** Insertion number of each job: answers are sorted by it, as a scan of `jobs` was. */
  private readonly order = new Map<string, number>();
  private nextOrder = 0;
  private readonly byResource = new Map<string, Set<string>>();
  /** Dependency id → ids of the pending jobs that name it. */
  private readonly dependents = new Map<string, Set<string>>();
  /** Jobs that may have become ready (their dependencies changed since last checked). */
  private readonly candidates = new Set<string>();
  /**
   * Jobs whose latest attempt is recorded in etcd but not known to be published: the
   * attempt is written in the transaction that makes the job ready (dispatch-records.ts),
   * and the work message follows it. Loaded jobs are all in doubt; the message id
   * (job, attempt) lets JetStream drop a second copy of one that went out.
   */
  private readonly unsent = new Set<string>();
  /**
   * Jobs planned but not yet stored: changes are planned side by side (planner-line.ts),
   * and a plan claims its jobs as it computes their dependencies, before its commit, so
   * that a plan computed after it waits for them. Planning sees them; nothing dispatches
   * or records them until `set` confirms them (stored) or `dropHeld` forgets them.
   */
  private readonly held = new Set<string>();
  /** Plans waiting to learn whether a held job they depend on was stored (`whenStored`). */
  private readonly heldWaiters = new Map<string, ((stored: boolean) => void)[]>();

  /**
   * `isOwn`: whether this planner dispatches and finishes the job. With partitions
   * (partitions.ts) the others' jobs are here too, for planning's dependency rule only:
   * none of the answers that lead to a dispatch or a release names them.
   */
  constructor(readonly isOwn: (job: StoredJob) => boolean = () => true) {}

  async load(store: OwnedStore): Promise<string> {
    const read = await readPendingJobRecords(store);
    // The planner is the only writer of both slices: a value it cannot read is damage,
    // and starting without that job (or its bookkeeping) would lose it silently.
    if (read.unreadable.length > 0) throw new Error(`unreadable pending job record at ${read.unreadable.join(', ')}`);
    this.clear();
    for (const [id, { job, meta }] of read.jobs) {
      this.set({ job, meta: meta ?? blankMeta() });
      if ((meta?.dispatched_attempt ?? 0) > 0) this.unsent.add(id);
    }
    // The revision both were read at: what follows them (foreign-jobs.ts) starts after it.
    return read.revision;
  }

  /**
   * Replaces the jobs `isOwn` now accepts with those stored in etcd (a partition this
   * planner just took over: what its previous holder stored, with their bookkeeping).
   * Returns the revision read.
   */
  async reloadOwn(store: OwnedStore): Promise<string> {
    const fresh = new PendingJobs(this.isOwn);
    const revision = await fresh.load(store);
    for (const p of [...this.jobs.values()]) if (this.isOwn(p.job) && !this.held.has(p.job.id) && !fresh.has(p.job.id)) this.delete(p.job.id);
    for (const p of fresh.all()) {
      if (!this.isOwn(p.job) || this.held.has(p.job.id)) continue;
      this.set(p);
      if (fresh.isUnsent(p.job.id)) this.unsent.add(p.job.id);
    }
    return revision;
  }

  get(id: string): PendingJob | undefined {
    return this.jobs.get(id);
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  /** Planned jobs, visible to planning only until confirmed by `set` (see `held`). */
  hold(jobs: StoredJob[]): void {
    for (const job of jobs) {
      this.set({ job, meta: blankMeta() });
      this.held.add(job.id);
    }
  }

  /** A mark of the jobs known now: `addedSince` tells a job added after it. */
  mark(): number {
    return this.nextOrder;
  }

  /** Whether the job was first held or set after `mark` was taken. */
  addedSince(id: string, mark: number): boolean {
    return (this.order.get(id) ?? -1) >= mark;
  }

  /** Forgets those of `ids` still held (a plan that was not stored); what waited for them is released. */
  dropHeld(ids: Iterable<string>): void {
    for (const id of ids) if (this.held.has(id)) this.delete(id);
  }

  isHeld(id: string): boolean {
    return this.held.has(id);
  }

  /**
   * Whether the job is stored: at once for a job not held, else once its plan's commit
   * confirmed it (true) or its plan dropped it (false). A plan that depends on a held job
   * commits only after this: stored before it, its jobs could wait for a job that never
   * comes (the other plan refused and planned again with new ids) and run too early.
   */
  whenStored(id: string): Promise<boolean> {
    if (!this.held.has(id)) return Promise.resolve(this.jobs.has(id));
    return new Promise((resolve) => {
      const list = this.heldWaiters.get(id);
      if (list) list.push(resolve);
      else this.heldWaiters.set(id, [resolve]);
    });
  }

  set(p: PendingJob): void {
    const id = p.job.id;
    this.held.delete(id);
    this.settleHeld(id, true);
    const previous = this.jobs.get(id);
    if (previous) this.unindex(previous);
    // Map.set keeps a known key in its place, so a replaced job keeps its number too.
    if (!this.order.has(id)) this.order.set(id, this.nextOrder++);
    this.jobs.set(id, p);
    addTo(this.byResource, resourceKey(p.job.resource_type, p.job.resource_id), id);
    for (const d of p.job.dependency) addTo(this.dependents, d, id);
    this.candidates.add(id);
  }

  delete(id: string): void {
    const p = this.jobs.get(id);
    if (p) this.unindex(p);
    this.jobs.delete(id);
    this.order.delete(id);
    this.candidates.delete(id);
    this.unsent.delete(id);
    this.held.delete(id);
    this.settleHeld(id, false);
    // Whatever waited for this job may be ready now.
    for (const waiting of this.dependents.get(id) ?? []) this.candidates.add(waiting);
  }

  all(): IterableIterator<PendingJob> {
    return this.jobs.values();
  }

  ofResource(type: string, id: string): PendingJob[] {
    const ids = this.byResource.get(resourceKey(type, id));
    return ids ? this.inOrder([...ids].map((j) => this.jobs.get(j)!)) : [];
  }

  /**
   * Jobs not dispatched yet whose dependencies have all left, in the order of the jobs
   * map: what a scan of every job for `dispatched_attempt === 0` and finished
   * dependencies returned, found among the candidates only.
   */
  undispatchedReady(): PendingJob[] {
    const ready: PendingJob[] = [];
    for (const id of this.candidates) {
      const p = this.jobs.get(id);
      // Dispatched, or still waiting: it becomes a candidate again when a dependency leaves.
      // A held job becomes a candidate again when `set` confirms it.
      if (!p || this.held.has(id) || !this.isOwn(p.job) || p.meta.dispatched_attempt !== 0 || !p.job.dependency.every((d) => !this.jobs.has(d))) this.candidates.delete(id);
      else ready.push(p);
    }
    return this.inOrder(ready);
  }

  /** Its latest attempt is recorded; its work message is to be published (again). */
  markUnsent(id: string): void {
    if (this.jobs.has(id)) this.unsent.add(id);
  }

  /** Its latest attempt's work message went out. */
  markSent(id: string): void {
    this.unsent.delete(id);
  }

  isUnsent(id: string): boolean {
    return this.unsent.has(id);
  }

  /** Jobs recorded as dispatched whose message is not known sent, and whose dependencies have all left. */
  unsentReady(): PendingJob[] {
    const ready: PendingJob[] = [];
    for (const id of this.unsent) {
      const p = this.jobs.get(id);
      if (p && this.isOwn(p.job) && p.job.dependency.every((d) => !this.jobs.has(d))) ready.push(p);
    }
    return this.inOrder(ready);
  }

  /** Jobs stored and not dispatched yet that wait for `id` (and perhaps for others too). */
  waitingFor(id: string): PendingJob[] {
    return [...(this.dependents.get(id) ?? [])].map((j) => this.jobs.get(j)!).filter((p) => p && !this.held.has(p.job.id) && this.isOwn(p.job) && p.meta.dispatched_attempt === 0);
  }

  get size(): number {
    return this.jobs.size;
  }

  private clear(): void {
    this.jobs.clear();
    this.order.clear();
    this.byResource.clear();
    this.dependents.clear();
    this.candidates.clear();
    this.unsent.clear();
    this.held.clear();
    for (const id of [...this.heldWaiters.keys()]) this.settleHeld(id, false);
  }

  private settleHeld(id: string, stored: boolean): void {
    const waiting = this.heldWaiters.get(id);
    if (!waiting) return;
    this.heldWaiters.delete(id);
    for (const resolve of waiting) resolve(stored);
  }

  private unindex(p: PendingJob): void {
    removeFrom(this.byResource, resourceKey(p.job.resource_type, p.job.resource_id), p.job.id);
    for (const d of p.job.dependency) removeFrom(this.dependents, d, p.job.id);
  }

  private inOrder(list: PendingJob[]): PendingJob[] {
    return list.sort((a, b) => this.order.get(a.job.id)! - this.order.get(b.job.id)!);
  }
}

const resourceKey = (type: string, id: string): string => `${type}\u0000${id}`;

/** Bookkeeping of a job that has none (yet): a fresh object, as dispatch updates it in place. */
export const blankMeta = (): JobMeta => ({ template_id: '', trace: {}, planned_at_ms: 0, dispatched_attempt: 0 });

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  const set = index.get(key);
  if (set) set.add(id);
  else index.set(key, new Set([id]));
}

function removeFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) index.delete(key);
}
