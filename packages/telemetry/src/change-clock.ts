/**
 * When the change a message belongs to began, carried with the trace as W3C baggage
 * (`esi.change.start_ms`). The first message of a flow stamps it; every later hop
 * carries it through NATS headers and the planner's stored trace carrier, so the
 * aggregator can tell how long the change took to reach its final state without any
 * service keeping timestamps for another.
 */
import { context, propagation, type Context } from '@opentelemetry/api';

export const CHANGE_START_KEY = 'esi.change.start_ms';

/** The context with a change start stamped, unless it already carries one. */
export function withChangeStart(ctx: Context = context.active(), nowMs = Date.now()): Context {
  const bag = propagation.getBaggage(ctx);
  if (bag?.getEntry(CHANGE_START_KEY)) return ctx;
  return propagation.setBaggage(ctx, (bag ?? propagation.createBaggage()).setEntry(CHANGE_START_KEY, { value: String(nowMs) }));
}

/** Milliseconds since the change began, or undefined outside a change. */
export function changeAgeMs(ctx: Context = context.active(), nowMs = Date.now()): number | undefined {
  const raw = propagation.getBaggage(ctx)?.getEntry(CHANGE_START_KEY)?.value;
  const start = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(start) && start > 0 ? Math.max(0, nowMs - start) : undefined;
}
