/**
 * The gRPC edge of every call: a SERVER span (continuing a client's traceparent) that
 * ends with `rpc.grpc.status_code`, the request/error/duration series
 * (grpc_server_*; @esi/telemetry grpc-metrics.ts), the caller from its bearer token, a
 * deadline (the client's, capped for unary calls), and errors mapped through
 * grpc-status.ts. Domain code only sees a CallContext.
 */
import {
  Metadata,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceError,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { SpanKind, SpanStatusCode, context, propagation, trace, type Span, type Tracer } from '@opentelemetry/api';
import { recordGrpcCall, type GrpcCallType, type Logger } from '@esi/telemetry';
import { callContext, runInCall, type CallContext } from './call-context.js';
import { SlowConsumerError, ValidationError } from './errors.js';
import { toServiceError } from './grpc-status.js';
import { malformedReason } from './tolerant-decode.js';
import type { TokenTable } from './tokens.js';

export interface EdgeDeps {
  tracer: Tracer;
  log: Logger;
  tokens: TokenTable;
  /** Upper bound for a unary call, also when the client set no deadline. */
  maxUnaryMs: number;
  /** etcd keys one unary call may read (read-budget.ts). */
  maxReadsPerCall: number;
}

const SERVICE = 'esi.api.v1.ResourceService';
/** Messages a stream may hold for a client that does not read; beyond it the stream ends. */
const MAX_STREAM_BACKLOG = 10_000;

function metadataCarrier(md: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md.getMap())) out[k] = String(v);
  return out;
}

interface CallSpan {
  span: Span;
  parent: ReturnType<typeof context.active>;
  /** Ends the span with its status code and counts the call (once). */
  finish(code: number): void;
}

function startSpan(deps: EdgeDeps, name: string, md: Metadata, type: GrpcCallType): CallSpan {
  const parent = propagation.extract(context.active(), metadataCarrier(md));
  const span = deps.tracer.startSpan(
    `${SERVICE}/${name}`,
    { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': SERVICE, 'rpc.method': name } },
    parent,
  );
  const counted = recordGrpcCall({ grpc_service: SERVICE, grpc_method: name, grpc_type: type });
  let ended = false;
  const finish = (code: number): void => {
    if (ended) return;
    ended = true;
    // On every server span, OK (0) included, as the RPC conventions ask.
    span.setAttribute('rpc.grpc.status_code', code);
    // Recorded while the call's span is active, so the duration's exemplar names its trace.
    context.with(trace.setSpan(parent, span), () => counted(code));
    span.end();
  };
  return { span, parent, finish };
}

function deadlineOf(call: { getDeadline(): Date | number }, capMs: number): number {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  return Math.min(Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY, Date.now() + capMs);
}

/**
 * Who a caller is for per-caller limits: its tenant, else its token (by digest), else,
 * in open mode where nobody presents a token, the peer's address.
 */
function callerKeyOf(deps: EdgeDeps, caller: CallContext['caller'], auth: string | undefined, peer: string): string {
  if (caller.kind === 'tenant') return `tenant:${caller.tenant}`;
  if (!deps.tokens.open) return deps.tokens.keyOf(auth);
  return `peer:${peer.replace(/:\d+$/, '')}`;
}

function contextFor(
  deps: EdgeDeps,
  call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>,
  capMs: number,
  maxReads: number | undefined,
) {
  const reason = malformedReason(call.request);
  if (reason !== undefined) throw new ValidationError('request', `is not a valid protobuf message (${reason})`);
  const raw = call.metadata.get('authorization')[0];
  const auth = typeof raw === 'string' ? raw : undefined;
  const caller = deps.tokens.callerOf(auth);
  return callContext(caller, deadlineOf(call, capMs), {
    maxReads,
    callerKey: callerKeyOf(deps, caller, auth, call.getPeer()),
    onCancel: (abort) => call.on('cancelled', abort),
  });
}

function reject(deps: EdgeDeps, name: string, span: Span, err: unknown): ServiceError {
  const se = toServiceError(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: se.details });
  if (se.code === 13) deps.log.error({ err, method: name }, 'request failed');
  else deps.log.info({ method: name, code: se.code, details: se.details }, 'request rejected');
  return se as ServiceError;
}

export function unary<Req, Res>(deps: EdgeDeps, name: string, fn: (req: Req, ctx: CallContext) => Promise<Res>): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, cb: sendUnaryData<Res>) => {
    const { span, parent, finish } = startSpan(deps, name, call.metadata, 'unary');
    let answered = false;
    const answer = (err: ServiceError | null, res: Res | null): void => {
      if (answered) return;
      answered = true;
      finish(err?.code ?? 0);
      cb(err, res);
    };
    void context.with(trace.setSpan(parent, span), async () => {
      let ctx: (CallContext & { dispose(): void }) | undefined;
      try {
        ctx = contextFor(deps, call as never, deps.maxUnaryMs, deps.maxReadsPerCall);
        // The deadline answers the client at once; the operation itself stops at its
        // next checkpoint and never writes after it.
        const aborted = new Promise<never>((_, rej) => ctx!.signal.addEventListener('abort', () => rej(ctx!.signal.reason), { once: true }));
        const running = ctx;
        const res = await Promise.race([runInCall(running, () => fn(call.request, running)), aborted]);
        const resource = (res as { resource?: { resourceType: string; id: string } }).resource;
        if (resource) span.setAttributes({ 'esi.resource.type': resource.resourceType, 'esi.resource.id': resource.id });
        // What the call cost, for choosing ESI_API_MAX_READS_PER_CALL from real traffic.
        span.setAttribute('esi.etcd.keys_read', ctx.reads.used);
        answer(null, res);
      } catch (err) {
        if (ctx) span.setAttribute('esi.etcd.keys_read', ctx.reads.used);
        answer(reject(deps, name, span, err), null);
      } finally {
        ctx?.dispose();
      }
    });
  };
}

export function serverStream<Req, Res>(
  deps: EdgeDeps,
  name: string,
  fn: (req: Req, ctx: CallContext, send: (res: Res) => void, started: (headers: Record<string, string>) => void) => Promise<void>,
): handleServerStreamingCall<Req, Res> {
  return (call: ServerWritableStream<Req, Res>) => {
    const { span, parent, finish } = startSpan(deps, name, call.metadata, 'server_stream');
    void context.with(trace.setSpan(parent, span), async () => {
      let ctx: (CallContext & { dispose(): void }) | undefined;
      try {
        // A stream lives as long as its client wants it, or until the client's deadline.
        // Its reads are not budgeted (they accrue over its whole life); the watch cap per
        // caller bounds what streams cost instead.
        ctx = contextFor(deps, call as never, Number.POSITIVE_INFINITY, undefined);
        await fn(call.request, ctx, (res) => {
          if (call.cancelled || call.writableEnded) return;
          // Memory stays bounded: a client that stopped reading resumes from its revision.
          if (call.writableLength > MAX_STREAM_BACKLOG) throw new SlowConsumerError('the client reads more slowly than events arrive; resume from the last revision received');
          call.write(res);
        }, (headers) => {
          // Response headers tell the client the stream is live (a watch: from now on no
          // change is missed), so it need not guess with a sleep.
          if (call.cancelled || call.writableEnded) return;
          const md = new Metadata();
          for (const [k, v] of Object.entries(headers)) md.set(k, v);
          call.sendMetadata(md);
        });
        // A stream cut short by its deadline or by the client ends with that status, not OK.
        if (ctx.signal.aborted) throw ctx.signal.reason;
        // A client that went away ends its stream as CANCELLED.
        finish(call.cancelled ? 1 : 0);
        if (!call.cancelled && !call.writableEnded) call.end();
      } catch (err) {
        const se = reject(deps, name, span, err);
        finish(se.code);
        if (!call.cancelled && !call.writableEnded) call.emit('error', se);
      } finally {
        ctx?.dispose();
      }
    });
  };
}
