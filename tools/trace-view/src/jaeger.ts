/**
 * Traces from a Jaeger query service (the HTTP API its UI uses, port 16686):
 * GET /api/traces/<id> for one trace, GET /api/traces?service=…&tags=… to search.
 * Parents come from CHILD_OF references, links from FOLLOWS_FROM ones.
 */
import type { SpanKindName, TraceSpan } from './span.js';

interface JaegerTag {
  key: string;
  value: unknown;
}

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: { refType: string; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags?: JaegerTag[];
  processID: string;
}

interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

const KINDS = new Set<SpanKindName>(['internal', 'server', 'client', 'producer', 'consumer']);
/** Jaeger's own tags for what OTLP keeps in fields; not shown as attributes. */
const HIDDEN = new Set(['span.kind', 'otel.status_code', 'otel.status_description', 'error', 'internal.span.format', 'otel.scope.name', 'otel.library.name']);

export class JaegerSource {
  private readonly base: string;

  constructor(baseUrl: string, private readonly timeoutMs = 10_000) {
    this.base = baseUrl.replace(/\/$/, '');
  }

  async trace(traceId: string): Promise<TraceSpan[]> {
    const res = await this.get(`/api/traces/${encodeURIComponent(traceId)}`);
    if (res === undefined) return [];
    return res.flatMap(spansOf);
  }

  /** Traces of `service` having every tag given, newest first as Jaeger returns them. */
  async search(service: string, tags: Record<string, string>, limit = 20, lookbackMs = 7 * 24 * 3600_000): Promise<TraceSpan[][]> {
    const end = Date.now() * 1000;
    const q = new URLSearchParams({
      service,
      tags: JSON.stringify(tags),
      limit: String(limit),
      start: String(end - lookbackMs * 1000),
      end: String(end),
    });
    const res = await this.get(`/api/traces?${q.toString()}`);
    return (res ?? []).map(spansOf);
  }

  private async get(path: string): Promise<JaegerTrace[] | undefined> {
    const res = await fetch(`${this.base}${path}`, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`Jaeger at ${this.base} answered ${res.status} to ${path}`);
    return ((await res.json()) as { data?: JaegerTrace[] | null }).data ?? [];
  }
}

function spansOf(t: JaegerTrace): TraceSpan[] {
  return t.spans.map((s) => {
    const tags = Object.fromEntries((s.tags ?? []).map((tag) => [tag.key, tag.value]));
    const parent = (s.references ?? []).find((r) => r.refType === 'CHILD_OF' && r.traceID === s.traceID);
    const kind = String(tags['span.kind'] ?? 'internal') as SpanKindName;
    const statusCode = String(tags['otel.status_code'] ?? '');
    const attributes: TraceSpan['attributes'] = {};
    for (const [k, v] of Object.entries(tags)) {
      if (HIDDEN.has(k)) continue;
      attributes[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
    }
    return {
      traceId: s.traceID,
      spanId: s.spanID,
      parentSpanId: parent?.spanID ?? '',
      name: s.operationName,
      kind: KINDS.has(kind) ? kind : 'internal',
      service: t.processes[s.processID]?.serviceName ?? 'unknown',
      startMs: s.startTime / 1000,
      durationMs: s.duration / 1000,
      status: statusCode === 'ERROR' || tags.error === true ? 'error' : statusCode === 'OK' ? 'ok' : 'unset',
      statusMessage: String(tags['otel.status_description'] ?? ''),
      attributes,
      links: (s.references ?? []).filter((r) => r !== parent).map((r) => ({ traceId: r.traceID, spanId: r.spanID })),
    };
  });
}
