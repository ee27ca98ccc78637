/**
 * The resources a workflow's jobs name in their params: which of them its resource may
 * not reference (another tenant's), and planning first those never planned.
 */
import type { StoredJob } from '@esi/contracts';
import { recordReplan } from '@esi/telemetry';
import type { PlanDeps, PlanOptions, PlanOutcome } from './plan-change.js';
import { readCurrent } from './plan-guards.js';
import { NeedsAlone, WaitsForOtherPartition } from './planner-line.js';
import { jobMayReference } from './tenant-view.js';

type PlanFn = (type: string, id: string, deps: PlanDeps, opts: PlanOptions) => Promise<PlanOutcome>;

/**
 * A referenced resource whose own change was never planned (its event was lost, or is
 * still queued behind this one) has no pending job to wait for, so this workflow would
 * run before its input exists. Plans those first (through `planChange`, passed in to
 * keep the recursion visible); returns how many were planned, so the caller plans its
 * own workflow again and the forward rule finds their jobs, and whether a referenced
 * resource's jobs were claimed after `computedAt` (the caller plans again for those too).
 */
export async function planReferencedFirst(
  resource: string,
  jobs: StoredJob[],
  deps: PlanDeps,
  opts: Pick<PlanOptions, 'planning' | 'beside'>,
  planChange: PlanFn,
  /** Called once, before the first referenced resource is planned from here. */
  beforePlanning: () => void = () => undefined,
  /** The pending jobs' mark when the workflow's dependencies were computed (PendingJobs.mark). */
  computedAt?: number,
): Promise<{ plannedFirst: number; missedJobs: boolean }> {
  const planning = opts.planning ?? new Set<string>();
  planning.add(resource);
  let plannedFirst = 0;
  let missedJobs = false;
  const foreign = await foreignReferences(jobs, deps);
  for (const ref of referencedResources(jobs)) {
    if (planning.has(ref.key) || foreign.has(ref.key)) continue;
    const refJobs = deps.pending.ofResource(ref.type, ref.id);
    if (refJobs.length > 0) {
      // Claimed by a plan beside this one after its dependencies were computed: this
      // workflow does not wait for them, so it is computed again (plan-change.ts). Even
      // when those jobs wait for this workflow's: when this one was computed the resource
      // had no pending job, so its change may be the create this workflow's jobs need
      // first (a change whose event was late; crash-anywhere found it). If the other plan
      // waited for jobs dropped here, its commit is refused and it is planned again, so
      // the two end in one order or the other, as if planned one after the other.
      if (computedAt !== undefined && refJobs.some((p) => deps.pending.addedSince(p.job.id, computedAt))) missedJobs = true;
      continue;
    }
    const known = deps.plannedVersions.get(ref.key);
    if (known !== undefined && known >= ((await deps.reader.getConfig(ref.type, ref.id))?.version ?? Infinity)) continue;
    // Another partition's planner plans it: this one waits for that (its event is redelivered).
    if (!deps.partitions.owns(ref.id)) {
      if (await plannedElsewhere(ref.type, ref.id, deps)) continue;
      recordReplan('waits_for_partition');
      throw new WaitsForOtherPartition(`${resource} references ${ref.key}, which the planner of its partition has not planned yet`);
    }
    // Its own change may be planned beside this one: planned from here only alone (planner-line.ts).
    if (opts.beside) throw new NeedsAlone(`${resource} references ${ref.key}, which was never planned`);
    beforePlanning();
    if ((await planChange(ref.type, ref.id, deps, { planning })) === 'planned') plannedFirst++;
  }
  if (plannedFirst > 0) deps.log.info({ resource, plannedFirst }, 'referenced resources planned first');
  return { plannedFirst, missedJobs };
}

/**
 * Whether another partition's resource has no change its planner has yet to plan: its
 * workflow record is at its config's version, or says its delete waits for dependents
 * (this resource among them: its jobs come after ours), or it is gone.
 */
async function plannedElsewhere(type: string, id: string, deps: PlanDeps): Promise<boolean> {
  const current = await readCurrent(type, id, deps);
  if (!current) return true;
  const record = current.previous?.value;
  return Math.max(record?.version ?? 0, record?.waiting?.version ?? 0) >= current.config.version;
}

/**
 * A foreign key the mappings read without following it still names a resource; when
 * that resource is one this may not reference, it is dropped from the job's params, so
 * that resource's later jobs do not wait for this one either.
 */
export async function dropForeignReferences(jobs: StoredJob[], deps: PlanDeps): Promise<void> {
  const foreign = await foreignReferences(jobs, deps);
  for (const job of jobs) for (const p of job.params) p.resources = p.resources.filter((r) => !foreign.has(`${r.resource_type}:${r.resource_id}`));
}

/** The resources the jobs' params name (type:id, once each). */
export function referencedResources(jobs: StoredJob[]) {
  const refs = new Map<string, { key: string; type: string; id: string }>();
  for (const job of jobs) {
    for (const p of job.params) {
      for (const r of p.resources) {
        const key = `${r.resource_type}:${r.resource_id}`;
        refs.set(key, { key, type: r.resource_type, id: r.resource_id });
      }
    }
  }
  return refs.values();
}

/** The resources the jobs' params name that their resource may not reference (type:id). */
async function foreignReferences(jobs: StoredJob[], deps: PlanDeps): Promise<Set<string>> {
  const foreign = new Set<string>();
  const first = jobs[0];
  if (!first) return foreign;
  for (const ref of referencedResources(jobs)) {
    const cfg = await deps.reader.getConfig(ref.type, ref.id);
    if (cfg && !jobMayReference(first, deps.isShared, ref.type, ref.id, JSON.parse(cfg.body) as Record<string, unknown>)) foreign.add(ref.key);
  }
  return foreign;
}
