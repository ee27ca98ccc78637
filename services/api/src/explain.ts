/**
 * Explain: "why is it not ready?" answered from data. For a resource: its config and
 * state, the planner's latest workflow record, every job of it (pending in /jobs/all or
 * finished), and for each waiting job the chain of jobs it waits for, each with its
 * resource, that resource's /state and the trace id of the change that planned it.
 */
import { configKey, stateKey, type StateValue } from '@esi/contracts';
import { api } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
import type { CallContext } from './call-context.js';
import { maySee, ownerOf } from './caller.js';
import { parseJobId, statusOf, waitChain, type Link, type Status } from './explain-chain.js';
import { readPendingJobs, readWorkflow, traceIdOf } from './planner-records.js';
import { parseObject, readConfig, viewOf } from './resource-reads.js';
import type { Resources } from './resources.js';
import { checkId } from './validate-body.js';

const STATUS_NAME: Record<number, string> = {
  [api.JobStatus.JOB_STATUS_READY]: 'ready, dispatched next',
  [api.JobStatus.JOB_STATUS_DISPATCHED]: 'dispatched, with its handler',
};

const STATUS: Record<Status, api.JobStatus> = {
  waiting: api.JobStatus.JOB_STATUS_WAITING,
  ready: api.JobStatus.JOB_STATUS_READY,
  dispatched: api.JobStatus.JOB_STATUS_DISPATCHED,
  finished: api.JobStatus.JOB_STATUS_FINISHED,
};

interface ResourceFacts {
  configVersion: number;
  workerState: string;
  stateVersion: number;
  stateError: string;
  visible: boolean;
}

export async function explain(store: OwnedStore, resources: Resources, ctx: CallContext, type: string, id: string): Promise<api.ExplainResponse> {
  const rules = resources.types.rulesOf(type);
  checkId(id, 'id');
  const current = await resources.visible(ctx, rules, id);
  const [view, record, pending] = await Promise.all([
    viewOf(store, type, rules.plural, id, current.value),
    readWorkflow(store, rules.plural, id),
    readPendingJobs(store),
  ]);

  const own = [...pending.values()].filter((p) => p.job.resource_type === type && p.job.resource_id === id).map((p) => p.job.id);
  const ids = [...new Set([...(record?.jobs ?? []), ...own])];
  const facts = new Map<string, ResourceFacts>();
  const factsOf = async (t: string, rid: string): Promise<ResourceFacts> => {
    const k = `${t}/${rid}`;
    if (!facts.has(k)) facts.set(k, await readFacts(store, resources, ctx, t, rid));
    return facts.get(k)!;
  };

  const jobs: api.ExplainedJob[] = [];
  for (const jobId of ids) {
    ctx.checkpoint();
    const p = pending.get(jobId);
    const parsed = parseJobId(jobId);
    const status = statusOf(jobId, pending);
    const chain = status === 'waiting' ? waitChain(jobId, pending) : [];
    const waitsFor: api.WaitLink[] = [];
    for (const link of chain) waitsFor.push(await toWaitLink(link, await factsOf(link.job.resource_type, link.job.resource_id)));
    jobs.push({
      id: jobId,
      action: p?.job.action ?? parsed?.action ?? '',
      handler: p?.job.handler ?? parsed?.handler ?? '',
      status: STATUS[status],
      templateId: p?.meta?.template_id ?? '',
      plannedAtMs: p?.meta?.planned_at_ms ?? 0,
      traceId: traceIdOf(p?.meta?.trace),
      dependency: p?.job.dependency ?? [],
      waitsFor,
      version: p?.job.version ?? parsed?.version ?? 0,
    });
  }

  const state = parseObject(view.stateJson) as Partial<StateValue>;
  const traceId = jobs.find((j) => j.traceId)?.traceId ?? '';
  return {
    resource: resources.shown(ctx, view),
    plannedVersion: record?.version ?? 0,
    plannedAction: record?.action ?? '',
    planningError: record?.error ?? '',
    jobs,
    summary: summarize(type, id, current.value.version, current.value.marked_for_deletion, state, record, jobs),
    traceId,
  };
}

async function readFacts(store: OwnedStore, resources: Resources, ctx: CallContext, type: string, id: string): Promise<ResourceFacts> {
  const plural = resources.types.pluralOf(type);
  if (!plural) return { configVersion: 0, workerState: '', stateVersion: 0, stateError: '', visible: ctx.caller.kind === 'admin' };
  const [cfg, state] = await Promise.all([readConfig(store, configKey(plural, id)), store.getJson<StateValue>(stateKey(plural, id))]);
  const owner = cfg ? ownerOf(type, id, parseObject(cfg.value.body)) : undefined;
  return {
    configVersion: cfg?.value.version ?? 0,
    workerState: String(state?.value.state?.worker_state ?? ''),
    stateVersion: state?.value.version ?? 0,
    stateError: state?.value.error ?? '',
    // Another tenant's jobs are shown as a wait, not as whose it is.
    visible: owner === undefined || maySee(ctx.caller, owner),
  };
}

async function toWaitLink(link: Link, f: ResourceFacts): Promise<api.WaitLink> {
  const hidden = !f.visible;
  return {
    depth: link.depth,
    jobId: hidden ? '(a job of another tenant)' : link.jobId,
    waitingJobId: link.waitingJobId,
    status: STATUS[link.status],
    resourceType: link.job.resource_type,
    resourceId: hidden ? '' : link.job.resource_id,
    resourceConfigVersion: hidden ? 0 : f.configVersion,
    resourceWorkerState: hidden ? '' : f.workerState,
    resourceStateVersion: hidden ? 0 : f.stateVersion,
    resourceStateError: hidden ? '' : f.stateError,
    traceId: hidden ? '' : traceIdOf(link.meta?.trace),
    handler: link.job.handler,
  };
}

function summarize(
  type: string,
  id: string,
  version: number,
  deleting: boolean,
  state: Partial<StateValue>,
  record: { version: number; action: string; error?: string } | undefined,
  jobs: api.ExplainedJob[],
): string {
  const name = `${type} ${id}`;
  const ws = state.state?.worker_state;
  if (state.version !== undefined && state.version >= version) {
    const err = state.error ? ` (error: ${state.error})` : '';
    return `${name} is settled: ${ws} at version ${state.version}${err}`;
  }
  const what = deleting ? `deletion (version ${version})` : `version ${version}`;
  if (!record || record.version < version) return `${name}: ${what} is not planned yet; the planner has not processed it`;
  if (record.error) return `${name}: ${what} could not be planned: ${record.error}`;
  const open = jobs.filter((j) => j.status !== api.JobStatus.JOB_STATUS_FINISHED && j.version === version);
  if (open.length === 0) return `${name}: every job of ${what} finished; /state is written next`;
  const waiting = open.find((j) => j.status === api.JobStatus.JOB_STATUS_WAITING);
  if (waiting) {
    const direct = waiting.waitsFor.filter((w) => w.depth === 1).map((w) => describeLink(w));
    // Jobs in the chain that wait for nothing themselves: where the wait really is.
    const causes = waiting.waitsFor.filter((w) => w.status !== api.JobStatus.JOB_STATUS_WAITING);
    const root = causes.length > 0 ? `; the chain ends at ${causes.map((c) => `${c.jobId} (${STATUS_NAME[c.status]})`).join(', ')}` : '';
    return `${name}: ${waiting.id} is waiting for ${direct.join(', ')}${root}`;
  }
  const running = open.find((j) => j.status === api.JobStatus.JOB_STATUS_DISPATCHED);
  if (running) return `${name}: ${running.id} is with ${running.handler}`;
  return `${name}: ${open[0]!.id} is ready and is dispatched next`;
}

function describeLink(w: api.WaitLink): string {
  const state = w.resourceWorkerState ? `${w.resourceWorkerState} at version ${w.resourceStateVersion}` : 'no state yet';
  return `${w.jobId} (${w.resourceType} ${w.resourceId}: ${state})`;
}
