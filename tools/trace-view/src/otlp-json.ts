/**
 * Reads an OTLP/HTTP JSON export request (ExportTraceServiceRequest) into TraceSpans.
 * The OpenTelemetry JS exporter writes ids as hex; base64 ids (the protobuf JSON
 * mapping other SDKs may use) are turned into hex too.
 */
import type { SpanKindName, TraceSpan } from './span.js';

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
}

interface KeyValue {
  key: string;
  value?: AnyValue;
}

interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: KeyValue[];
  status?: { code?: number; message?: string };
  links?: { traceId?: string; spanId?: string }[];
}

export interface ExportTraceRequest {
  resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

const KINDS: Record<number, SpanKindName> = { 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };
const STATUS: Record<number, TraceSpan['status']> = { 0: 'unset', 1: 'ok', 2: 'error' };

export function spansFromOtlpJson(body: ExportTraceRequest): TraceSpan[] {
  const out: TraceSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const resource = attributesOf(rs.resource?.attributes);
    const service = String(resource['service.name'] ?? 'unknown');
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const startNs = BigInt(String(s.startTimeUnixNano ?? '0'));
        const endNs = BigInt(String(s.endTimeUnixNano ?? s.startTimeUnixNano ?? '0'));
        out.push({
          traceId: hexId(s.traceId, 16),
          spanId: hexId(s.spanId, 8),
          parentSpanId: s.parentSpanId ? hexId(s.parentSpanId, 8) : '',
          name: String(s.name ?? ''),
          kind: KINDS[s.kind ?? 1] ?? 'internal',
          service,
          startMs: Number(startNs / 1000n) / 1000,
          durationMs: Number((endNs - startNs) / 1000n) / 1000,
          status: STATUS[s.status?.code ?? 0] ?? 'unset',
          statusMessage: s.status?.message ?? '',
          attributes: attributesOf(s.attributes),
          links: (s.links ?? []).map((l) => ({ traceId: hexId(l.traceId, 16), spanId: hexId(l.spanId, 8) })),
        });
      }
    }
  }
  return out;
}

function attributesOf(kvs: KeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of kvs ?? []) {
    const v = valueOf(kv.value);
    if (v !== undefined) out[kv.key] = v;
  }
  return out;
}

function valueOf(v: AnyValue | undefined): string | number | boolean | undefined {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return JSON.stringify((v.arrayValue.values ?? []).map(valueOf));
  return undefined;
}

function hexId(raw: string | undefined, bytes: number): string {
  if (!raw) return '';
  if (raw.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(raw)) return raw.toLowerCase();
  const decoded = Buffer.from(raw, 'base64');
  return decoded.length === bytes ? decoded.toString('hex') : raw;
}
