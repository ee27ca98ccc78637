/** A finished span as trace-view keeps and prints it, whichever source it came from. */
export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export interface TraceSpan {
  traceId: string;
  spanId: string;
  /** "" for a root. */
  parentSpanId: string;
  name: string;
  kind: SpanKindName;
  /** service.name of the process that recorded it. */
  service: string;
  /** Unix milliseconds (fractional). */
  startMs: number;
  durationMs: number;
  status: 'unset' | 'ok' | 'error';
  statusMessage: string;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
}
