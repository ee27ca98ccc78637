/**
 * History: a resource's events, read back from the JetStream streams that carried them
 * (limits retention keeps them: DESIGN.md §3) — config changes, job results and skips,
 * state and monitoring changes — merged oldest first. Each subject is read with a
 * short-lived consumer of its own: nats-server 2.9 allows one filter per consumer.
 */
import type { JsMsg } from '@nats-io/jetstream';
import {
  SLICES,
  STREAMS,
  configKey,
  configSubject,
  removedSubject,
  monitoringSubject,
  skippedSubject,
  stateSubject,
  events,
  api,
  type StreamSpec,
} from '@esi/contracts';
import { prefixedSubject, readStreamRange, streamName, type Messaging } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import type { CallContext } from './call-context.js';
import { maySee, ownerOf } from './caller.js';
import { NotFoundError, ValidationError } from './errors.js';
import type { ResourceSchema } from '@esi/catalog';
import type { MappingFacts } from './mapping-facts.js';
import { MASK, collectSecretValues, isSecretParamName, redactBody, scrubDeep } from './redaction.js';
import { parseObject, readConfig } from './resource-reads.js';
import type { TypeRegistry } from './type-rules.js';
import { checkId } from './validate-body.js';
import { historyEventKindOf } from './typed-fields.js';

export const DEFAULT_HISTORY = 200;
export const MAX_HISTORY = 5000;

interface Source {
  stream: StreamSpec;
  subject: string;
  kind: string;
  toJson: (data: Uint8Array) => unknown;
}

export interface HistoryDeps {
  store: OwnedStore;
  types: TypeRegistry;
  messaging: Messaging;
  streamPrefix: string;
  /** Which job params are secret; without it only the name rule masks params. */
  facts?: MappingFacts;
}

export async function history(deps: HistoryDeps, ctx: CallContext, req: api.HistoryRequest): Promise<api.HistoryEvent[]> {
  const rules = deps.types.rulesOf(req.resourceType);
  const id = checkId(req.id, 'id');
  if (!Number.isInteger(req.limit) || req.limit < 0) throw new ValidationError('limit', 'must be a non-negative integer');
  const limit = Math.min(req.limit || DEFAULT_HISTORY, MAX_HISTORY);
  const secrets = new Set<string>();
  if (ctx.caller.kind === 'tenant') {
    // A removed resource's history stays the admin's: its owner can no longer be read.
    const cfg = await readConfig(deps.store, configKey(rules.plural, id));
    if (!cfg || !maySee(ctx.caller, ownerOf(rules.type, id, parseObject(cfg.value.body)))) throw new NotFoundError(`${rules.type} ${id} not found`, { type: rules.type, id });
    redactBody(parseObject(cfg.value.body), rules.schema, secrets);
  }
  const type = rules.type;
  const sources: Source[] = [
    { stream: STREAMS.config, subject: configSubject(type, id), kind: 'config', toJson: (d) => events.ResourceChanged.toJSON(events.ResourceChanged.decode(d)) },
    { stream: STREAMS.config, subject: removedSubject(type, id), kind: 'config', toJson: (d) => events.ResourceChanged.toJSON(events.ResourceChanged.decode(d)) },
    { stream: STREAMS.results, subject: `esi.result.*.${type}.${id}`, kind: 'job_result', toJson: (d) => events.JobResult.toJSON(events.JobResult.decode(d)) },
    { stream: STREAMS.results, subject: skippedSubject(type, id), kind: 'skipped', toJson: (d) => events.WorkflowSkipped.toJSON(events.WorkflowSkipped.decode(d)) },
    { stream: STREAMS.state, subject: stateSubject(type, id), kind: 'state', toJson: (d) => events.StateChanged.toJSON(events.StateChanged.decode(d)) },
    { stream: STREAMS.state, subject: monitoringSubject(type, id), kind: 'monitoring', toJson: (d) => events.MonitoringChanged.toJSON(events.MonitoringChanged.decode(d)) },
  ];
  const all: api.HistoryEvent[] = [];
  for (const s of sources) {
    ctx.checkpoint();
    all.push(...(await readSubject(deps, s, limit, ctx)));
  }
  all.sort((a, b) => a.timeMs - b.timeMs || a.stream.localeCompare(b.stream) || a.sequence - b.sequence);
  const picked = all.slice(-limit);
  if (ctx.caller.kind === 'admin') return picked;
  const facts = deps.facts ? await deps.facts.current() : undefined;
  const isSecret = (param: string): boolean => (facts ? facts.isSecretParam(type, undefined, param) : isSecretParamName(param));
  const masked = picked.map((e) => ({
    e,
    json:
      e.kind === 'job_result'
        ? maskJobParams(parseObject(e.eventJson), rules.schema, isSecret, secrets)
        : e.kind === 'config'
          ? maskCarriedConfig(parseObject(e.eventJson), rules.schema, secrets)
          : undefined,
  }));
  return masked.map(({ e, json }) => ({ ...e, eventJson: redactedEvent(e.kind, json ?? parseObject(e.eventJson), secrets) }));
}

/**
 * A change event carries the /config value the api wrote (for the planner): its body's
 * secret fields are masked like a Get's; a value that does not parse is masked whole.
 */
function maskCarriedConfig(event: Record<string, unknown>, schema: ResourceSchema, secrets: Set<string>): Record<string, unknown> {
  if (typeof event.configJson !== 'string' || event.configJson === '') return event;
  const carried = SLICES.config.parse(event.configJson);
  event.configJson = carried ? JSON.stringify({ ...carried, body: JSON.stringify(redactBody(parseObject(carried.body), schema, secrets)) }) : MASK;
  return event;
}

/** A job result's secret params masked, their values collected so the texts can be scrubbed. */
function maskJobParams(event: Record<string, unknown>, schema: ResourceSchema, isSecret: (param: string) => boolean, secrets: Set<string>): Record<string, unknown> {
  const job = event.job as { params?: { param?: string; value?: unknown }[]; resourceInput?: unknown } | undefined;
  // The job carries the resource's body as its input: its secret fields are masked like a Get's.
  if (job?.resourceInput && typeof job.resourceInput === 'object' && !Array.isArray(job.resourceInput)) {
    job.resourceInput = redactBody(job.resourceInput as Record<string, unknown>, schema, secrets);
  }
  for (const p of job?.params ?? []) {
    if (typeof p.param !== 'string' || !isSecret(p.param) || p.value === null || p.value === undefined || p.value === '') continue;
    collectSecretValues(p.value, secrets);
    p.value = MASK;
  }
  return event;
}

/** Texts that may quote a secret (errors, reasons, job results) scrubbed; ids, subjects and versions stay. */
function redactedEvent(kind: string, event: Record<string, unknown>, secrets: ReadonlySet<string>): string {
  const out = { ...event };
  for (const k of ['error', 'reason', 'result', 'status', 'configJson']) if (k in out) out[k] = scrubDeep(out[k], secrets);
  if (kind === 'job_result' && out.job && typeof out.job === 'object') {
    const job = out.job as Record<string, unknown>;
    out.job = { ...job, params: scrubDeep(job.params, secrets), resourceInput: scrubDeep(job.resourceInput, secrets) };
  }
  return JSON.stringify(out);
}

async function readSubject(deps: HistoryDeps, s: Source, limit: number, ctx: CallContext): Promise<api.HistoryEvent[]> {
  const stream = streamName(s.stream, deps.streamPrefix);
  const out: api.HistoryEvent[] = [];
  // Only the latest `limit` of each subject can survive the merge: the rest is passed over.
  const visit = (m: JsMsg): void => {
    let json: unknown;
    try {
      json = s.toJson(m.data);
    } catch {
      json = { undecodable: Buffer.from(m.data).toString('base64') };
    }
    out.push({
      stream,
      sequence: m.info.streamSequence,
      subject: m.subject,
      timeMs: Math.floor(Number(m.info.timestampNanos) / 1e6),
      kind: s.kind,
      eventKind: historyEventKindOf(s.kind),
      eventJson: JSON.stringify(json),
    });
  };
  await readStreamRange(deps.messaging, stream, prefixedSubject(s.subject, deps.streamPrefix), visit, { keepLast: limit, signal: ctx.signal });
  return out;
}
