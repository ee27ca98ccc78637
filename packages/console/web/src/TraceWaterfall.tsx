/**
 * The change's spans as a waterfall: one row a span, indented under its parent, its bar
 * placed on the trace's time line and coloured by the service that recorded it.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, edge } from './api';
import type { Span, TraceAnswer } from './api-types';
import { formatDuration } from './graph-model';

interface Row {
  span: Span;
  depth: number;
}

/** Parents before children, siblings by start time; spans whose parent is elsewhere are roots. */
export function orderSpans(spans: Span[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, Span[]>();
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : '';
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const out: Row[] = [];
  const walk = (parent: string, depth: number): void => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => a.startMs - b.startMs)) {
      out.push({ span: s, depth });
      walk(s.spanId, depth + 1);
    }
  };
  walk('', 0);
  return out;
}

export function TraceWaterfall({ type, id, refreshKey }: { type: string; id: string; refreshKey: string }) {
  const [traceId, setTraceId] = useState('');
  const [answer, setAnswer] = useState<TraceAnswer>();
  const [error, setError] = useState('');
  useEffect(() => {
    let stale = false;
    edge.trace(type, id, traceId).then(
      (a) => {
        if (!stale) {
          setAnswer(a);
          setError('');
        }
      },
      (err: unknown) => !stale && setError(err instanceof ApiError ? err.message : String(err)),
    );
    return () => {
      stale = true;
    };
  }, [type, id, traceId, refreshKey]);

  if (error) return <p class="error">{error}</p>;
  if (!answer) return <p class="note">Loading the trace…</p>;
  if (answer.spans.length === 0)
    return <p class="note">No spans of this resource's change {answer.traceId ? `(trace ${answer.traceId}) ` : ''}were found ({answer.source === 'none' ? 'no span store or Jaeger configured' : `in the ${answer.source}`}).</p>;
  const rows = orderSpans(answer.spans);
  const t0 = Math.min(...answer.spans.map((s) => s.startMs));
  const end = Math.max(...answer.spans.map((s) => s.startMs + s.durationMs));
  const total = Math.max(end - t0, 1);
  const services = [...new Set(answer.spans.map((s) => s.service))];
  return (
    <div class="trace">
      <p class="note">
        Trace <span class="mono" data-testid="trace-id">{answer.traceId}</span> · {answer.spans.length} spans · {services.length} services ({services.join(', ')}) ·{' '}
        {formatDuration(total)} · from the {answer.source}
        {answer.jaegerUrl && (
          <>
            {' · '}
            <a href={`${answer.jaegerUrl}/trace/${answer.traceId}`} target="_blank" rel="noreferrer">
              open in Jaeger
            </a>
          </>
        )}
      </p>
      {answer.traceIds.length > 1 && (
        <label>
          Change{' '}
          <select value={answer.traceId} onChange={(ev) => setTraceId((ev.target as HTMLSelectElement).value)}>
            {answer.traceIds.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        </label>
      )}
      <div class="waterfall">
        {rows.map(({ span, depth }) => (
          <div class={`span-row svc-${services.indexOf(span.service) % 6} ${span.status === 'error' ? 'span-error' : ''}`} data-service={span.service} title={spanTitle(span)}>
            <span class="span-service">{span.service}</span>
            <span class="span-name" style={{ paddingLeft: `${depth * 0.9}em` }}>
              {span.name}
            </span>
            <span class="span-track">
              <span class="span-bar" style={{ left: `${((span.startMs - t0) / total) * 100}%`, width: `max(2px, ${(span.durationMs / total) * 100}%)` }} />
            </span>
            <span class="span-time">
              +{formatDuration(span.startMs - t0)} · {formatDuration(span.durationMs)}
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}

function spanTitle(s: Span): string {
  const attrs = Object.entries(s.attributes).map(([k, v]) => `${k}=${String(v)}`);
  return [s.name, s.statusMessage, ...attrs].filter(Boolean).join('\n');
}
