/**
 * Which trace is "the latest change" of a resource, from spans alone: the api's send
 * on esi.config.<type>.<id> opens every change's trace (a prefix before the subject is
 * allowed, as test stacks use one); a change the planner's resync planned has no such
 * send, so its dispatch spans (esi.resource.id) stand in for it.
 */
import type { TraceSpan } from './span.js';

export function isChangeStart(s: TraceSpan, type: string, id: string): boolean {
  if (s.kind !== 'producer') return false;
  const dest = String(s.attributes['messaging.destination.name'] ?? '');
  const subject = `esi.config.${type}.${id}`;
  return dest === subject || dest.endsWith(`.${subject}`);
}

function isDispatchOf(s: TraceSpan, type: string, id: string): boolean {
  return s.name.startsWith('dispatch ') && s.attributes['esi.resource.id'] === id && (s.attributes['esi.resource.type'] ?? type) === type;
}

/**
 * The trace id of the resource's latest change among these spans, or undefined. A
 * trace counts from its earliest such span, so an older change whose job is dispatched
 * late does not pass a newer one.
 */
export function latestChangeTrace(spans: Iterable<TraceSpan>, type: string, id: string): string | undefined {
  const startOf = new Map<string, number>();
  for (const s of spans) {
    if (!isChangeStart(s, type, id) && !isDispatchOf(s, type, id)) continue;
    startOf.set(s.traceId, Math.min(startOf.get(s.traceId) ?? Infinity, s.startMs));
  }
  let latest: [string, number] | undefined;
  for (const entry of startOf) if (!latest || entry[1] > latest[1]) latest = entry;
  return latest?.[0];
}
