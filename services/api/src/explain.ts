/**
 * Explain: "why is it not ready?" answered from data. For a resource: its config and
 * state, the planner's latest workflow record, every job of it (pending in /jobs/all or
 * finished), and for each waiting job the chain of jobs it waits for, each with its
 * resource, that resource's /state and the trace id of the change that planned it.
 * A tenant sees its own jobs' details; a job of another tenant in the chain is only a
 * wait on something it cannot see (no id, type, handler, state or trace, and not what
 * that job waits for in turn), and every text is scrubbed of secret values.
 */
import { SLICES, configKey, isSucceededWorkerState, stateKey, type StateValue } from '@esi/contracts';
import { api } from '@esi/contracts';
import { parseJobId } from '@esi/planning';
import type { OwnedStore } from '@esi/store';
import type { CallContext } from './call-context.js';
import { maySee, ownerOf } from './caller.js';
import { shownStatus, waitChain, type Link, type Status } from './explain-chain.js';
import { readPendingJobs, readWorkflow, traceIdOf } from './planner-records.js';
import { parseObject, readConfig, viewOf } from './resource-reads.js';
import type { Resources } from './resources.js';
import { scrubText } from './redaction.js';
import { checkId } from './validate-body.js';
import { changeActionOf } from './typed-fields.js';

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
  // The pending jobs first, then the record: the planner writes a workflow's jobs and its
  // record in one transaction, so jobs seen imply their record is seen too. Read side by
  // side, a plan committed between the two reads showed its jobs under "not planned yet".
  const pending = await readPendingJobs(store);
  const [view, record] = await Promise.all([viewOf(store, type, rules.plural, id, current.value), readWorkflow(store, rules.plural, id)]);

  const own = [...pending.values()].filter((p) => p.job.resource_type === type && p.job.resource_id === id).map((p) => p.job.id);
  const ids = [...new Set([...(record?.jobs ?? []), ...own])];
  const facts = new Map<string, ResourceFacts>();
  const factsOf = async (t: string, rid: string): Promise<ResourceFacts> => {
    const k = `${t}/${rid}`;
    if (!facts.has(k)) facts.set(k, await readFacts(store, resources, ctx, t, rid));
    return facts.get(k)!;
  };

  const secrets = ctx.caller.kind === 'admin' ? new Set<string>() : await resources.secrets.current();
  const state = parseObject(view.stateJson) as Partial<StateValue>;
  const workerState = String(state.state?.worker_state ?? '');
  const settledVersion = isSucceededWorkerState(workerState) ? state.version : undefined;
  const jobs: api.ExplainedJob[] = [];
  for (const jobId of ids) {
    ctx.checkpoint();
    const p = pending.get(jobId);
    const parsed = parseJobId(jobId);
    const version = p?.job.version ?? parsed?.version ?? 0;
    const status = shownStatus(jobId, version, pending, settledVersion);
    const chain = status === 'waiting' ? waitChain(jobId, pending) : [];
    const waitsFor: api.WaitLink[] = [];
    // What a hidden job waits for is that other tenant's business: its links are left out.
    const hidden = new Set<string>();
    for (const link of chain) {
      if (hidden.has(link.waitingJobId)) {
        hidden.add(link.jobId);
        continue;
      }
      const f = await factsOf(link.job.resource_type, link.job.resource_id);
      if (!f.visible) hidden.add(link.jobId);
      waitsFor.push(toWaitLink(link, f, secrets));
    }
    jobs.push({
      id: jobId,
      action: p?.job.action ?? parsed?.action ?? '',
      changeAction: changeActionOf(p?.job.action ?? parsed?.action ?? ''),
      handler: p?.job.handler ?? parsed?.handler ?? '',
      status: STATUS[status],
      templateId: p?.meta?.template_id ?? '',
      plannedAtMs: p?.meta?.planned_at_ms ?? 0,
      traceId: traceIdOf(p?.meta?.trace),
      dependency: ctx.caller.kind === 'admin' ? (p?.job.dependency ?? []) : await shownIds(p?.job.dependency ?? [], pending, factsOf),
      waitsFor,
      version,
    });
  }

  const traceId = jobs.find((j) => j.traceId)?.traceId ?? '';
  return {
    resource: await resources.shown(ctx, view),
    plannedVersion: record?.version ?? 0,
    plannedAction: record?.action ?? '',
    plannedChangeAction: changeActionOf(record?.action ?? ''),
    planningError: scrubText(record?.error ?? '', secrets),
    jobs,
    summary: scrubText(summarize(type, id, current.value.version, current.value.marked_for_deletion, state, record, jobs), secrets),
    traceId,
  };
}

async function readFacts(store: OwnedStore, resources: Resources, ctx: CallContext, type: string, id: string): Promise<ResourceFacts> {
  const plural = resources.types.pluralOf(type);
  if (!plural) return { configVersion: 0, workerState: '', stateVersion: 0, stateError: '', visible: ctx.caller.kind === 'admin' };
  const [cfg, state] = await Promise.all([readConfig(store, configKey(plural, id)), store.read(stateKey(plural, id), SLICES.state.parse)]);
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

export const HIDDEN_JOB = '(a job of another tenant)';

/** Job ids as the caller may see them: a job id names its resource, so another tenant's is hidden. */
async function shownIds(ids: string[], pending: ReadonlyMap<string, { job: { resource_type: string; resource_id: string } }>, factsOf: (t: string, id: string) => Promise<ResourceFacts>): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) {
    const job = pending.get(id)?.job;
    const parsed = job ? { type: job.resource_type, resourceId: job.resource_id } : parseJobId(id);
    out.push(!parsed || (await factsOf(parsed.type, parsed.resourceId)).visible ? id : HIDDEN_JOB);
  }
  return out;
}

function toWaitLink(link: Link, f: ResourceFacts, secrets: ReadonlySet<string>): api.WaitLink {
  if (!f.visible) {
    return {
      depth: link.depth,
      jobId: HIDDEN_JOB,
      waitingJobId: link.waitingJobId,
      status: STATUS[link.status],
      resourceType: '',
      resourceId: '',
      resourceConfigVersion: 0,
      resourceWorkerState: '',
      resourceStateVersion: 0,
      resourceStateError: '',
      traceId: '',
      handler: '',
    };
  }
  return {
    depth: link.depth,
    jobId: link.jobId,
    waitingJobId: link.waitingJobId,
    status: STATUS[link.status],
    resourceType: link.job.resource_type,
    resourceId: link.job.resource_id,
    resourceConfigVersion: f.configVersion,
    resourceWorkerState: f.workerState,
    resourceStateVersion: f.stateVersion,
    resourceStateError: scrubText(f.stateError, secrets),
    traceId: traceIdOf(link.meta?.trace),
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
  if (w.jobId === HIDDEN_JOB) return HIDDEN_JOB;
  const state = w.resourceWorkerState ? `${w.resourceWorkerState} at version ${w.resourceStateVersion}` : 'no state yet';
  return `${w.jobId} (${w.resourceType} ${w.resourceId}: ${state})`;
}
