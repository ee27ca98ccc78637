/**
 * The exemplar a histogram observation carries: the trace id of the span it was made
 * in, so a slow bucket on a dashboard leads to one trace that fell into it. Only for
 * sampled spans: an unsampled trace was never exported, so its id would lead nowhere.
 */
import { context, trace, TraceFlags } from '@opentelemetry/api';

const NONE: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** `{ trace_id }` inside a sampled span, else empty (prom-client then keeps no exemplar). */
export function traceExemplar(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (!span) return NONE;
  const ctx = span.spanContext();
  if ((ctx.traceFlags & TraceFlags.SAMPLED) === 0) return NONE;
  return { trace_id: ctx.traceId };
}
