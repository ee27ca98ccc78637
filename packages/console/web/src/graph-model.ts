/**
 * A change as a graph, from two api answers: Explain (the latest workflow's jobs, what
 * is pending, and for waiting jobs the chain of other resources' jobs they wait for)
 * and History (each finished job's result: outcome, error, finish time, and its
 * dependencies, which Explain no longer has once a job left /jobs/all). Pure, so the
 * page and the unit test see the same graph.
 */
import { JOB_STATUS, type Explain, type ExplainedJob, type HistoryEvent } from './api-types';

/** 'dropped': gone from the planner's records without a result, because its workflow failed. */
export type NodeStatus = 'waiting' | 'ready' | 'dispatched' | 'succeeded' | 'failed' | 'finished' | 'dropped' | 'hidden';

export interface GraphNode {
  id: string;
  /** This resource's job, another resource's job (clickable), or one the caller may not see. */
  kind: 'own' | 'other' | 'hidden';
  handler: string;
  action: string;
  status: NodeStatus;
  /** How long it ran (finished) or has been in its status (open); undefined when unknown. */
  durationMs?: number;
  error: string;
  resourceType: string;
  resourceId: string;
  /** Another resource's worker_state, when Explain named it. */
  workerState: string;
}

export interface GraphEdge {
  /** The job waited for. */
  from: string;
  to: string;
}

export interface JobGraph {
  version: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

interface JobResultEvent {
  job?: { id?: string; dependency?: string[]; version?: number };
  outcome?: string;
  error?: string;
  finishedAtMs?: number;
}

export const HIDDEN_JOB = '(a job of another tenant)';

/** action:handler:type:id:version:suffix, as the planner names jobs. */
export function parseJobId(id: string): { action: string; handler: string; type: string; resourceId: string; version: number } | undefined {
  const parts = id.split(':');
  if (parts.length !== 6) return undefined;
  const [action, handler, type, resourceId, version] = parts as [string, string, string, string, string];
  return { action, handler, type, resourceId, version: Number(version) };
}

function parse<T>(json: string): T | undefined {
  try {
    return JSON.parse(json) as T;
  } catch {
    return undefined;
  }
}

export function buildJobGraph(explain: Explain, history: HistoryEvent[], now: number): JobGraph {
  const version = explain.plannedVersion;
  const own = explain.jobs.filter((j) => j.version === version || version === 0);
  const ownIds = new Set(own.map((j) => j.id));

  // The latest result of each job (a retried job has more than one).
  const results = new Map<string, JobResultEvent>();
  let versionStart: number | undefined;
  for (const e of [...history].sort((a, b) => a.sequence - b.sequence || a.timeMs - b.timeMs)) {
    if (e.kind === 'job_result') {
      const r = parse<JobResultEvent>(e.eventJson);
      if (r?.job?.id) results.set(r.job.id, r);
    } else if (e.kind === 'config') {
      const c = parse<{ version?: number; acceptedAtMs?: number }>(e.eventJson);
      // A retry announces the same version again: the workflow starts over from then.
      if (c?.version === version) versionStart = c.acceptedAtMs ?? e.timeMs;
    }
  }

  const depsOf = (j: ExplainedJob): string[] => (j.dependency.length > 0 ? j.dependency : (results.get(j.id)?.job?.dependency ?? []));
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  let hiddenCount = 0;

  for (const j of own) {
    const status = JOB_STATUS[j.status] ?? 'unknown';
    const r = results.get(j.id);
    const finishedAt = r?.finishedAtMs;
    const depsDone = depsOf(j)
      .map((d) => results.get(d)?.finishedAtMs)
      .filter((t): t is number => typeof t === 'number');
    const releasedAt = Math.max(versionStart ?? 0, ...depsDone, 0) || undefined;
    let nodeStatus: NodeStatus;
    let durationMs: number | undefined;
    if (status === 'finished') {
      nodeStatus = r ? (r.outcome === 'JOB_OUTCOME_FAILED' ? 'failed' : 'succeeded') : 'finished';
      durationMs = finishedAt !== undefined && releasedAt !== undefined ? Math.max(0, finishedAt - releasedAt) : undefined;
    } else {
      nodeStatus = status === 'unknown' ? 'waiting' : status;
      const since = status === 'waiting' ? j.plannedAtMs : Math.max(j.plannedAtMs, releasedAt ?? 0);
      durationMs = since > 0 ? Math.max(0, now - since) : undefined;
    }
    const parsed = parseJobId(j.id);
    nodes.set(j.id, {
      id: j.id,
      kind: 'own',
      handler: j.handler,
      action: j.action,
      status: nodeStatus,
      durationMs,
      error: r?.outcome === 'JOB_OUTCOME_FAILED' ? (r.error ?? '') : '',
      resourceType: parsed?.type ?? '',
      resourceId: parsed?.resourceId ?? '',
      workerState: '',
    });
  }

  const addOther = (jobId: string, waiter: string, link?: ExplainedJob['waitsFor'][number]): void => {
    let id = jobId;
    if (jobId === HIDDEN_JOB) {
      id = `hidden-${hiddenCount++}`;
      nodes.set(id, { id, kind: 'hidden', handler: '', action: '', status: 'hidden', error: '', resourceType: '', resourceId: '', workerState: '' });
    } else if (!nodes.has(id)) {
      const parsed = parseJobId(id);
      const waiterNode = nodes.get(waiter);
      // A dependency of a job that is no longer waiting has finished.
      const status: NodeStatus = link ? (JOB_STATUS[link.status] === 'unknown' ? 'waiting' : (JOB_STATUS[link.status] as NodeStatus)) : waiterNode?.status === 'waiting' ? 'waiting' : 'finished';
      nodes.set(id, {
        id,
        kind: 'other',
        handler: link?.handler || parsed?.handler || '',
        action: parsed?.action ?? '',
        status,
        error: link?.resourceStateError ?? '',
        resourceType: link?.resourceType || parsed?.type || '',
        resourceId: link?.resourceId || parsed?.resourceId || '',
        workerState: link?.resourceWorkerState ?? '',
      });
    }
    if (!edges.some((e) => e.from === id && e.to === waiter)) edges.push({ from: id, to: waiter });
  };

  for (const j of own) {
    const links = new Map(j.waitsFor.map((w) => [w.jobId, w]));
    for (const d of depsOf(j)) {
      if (ownIds.has(d)) edges.push({ from: d, to: j.id });
      else if (d !== HIDDEN_JOB) addOther(d, j.id, links.get(d));
      // A hidden job a waiting job waits for comes with its wait link below.
      else if (!links.has(HIDDEN_JOB)) addOther(d, j.id);
    }
    // Deeper links of the chain: what the jobs it waits for wait for in turn.
    for (const w of j.waitsFor) {
      if (w.depth === 1 && (ownIds.has(w.jobId) || nodes.has(w.jobId))) continue;
      if (w.depth === 1 || nodes.has(w.waitingJobId)) addOther(w.jobId, w.depth === 1 ? j.id : w.waitingJobId, w);
    }
  }
  if ([...nodes.values()].some((n) => n.kind === 'own' && n.status === 'failed')) {
    for (const n of nodes.values()) if (n.kind === 'own' && n.status === 'finished') n.status = 'dropped';
  }
  return { version, nodes: [...nodes.values()], edges };
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}
