/**
 * A trace as a tree of spans with timings, for a terminal:
 *
 *   +0ms      41.2ms  api                esi.api.v1.ResourceService/CreateResource
 *   +3.1ms     2.0ms  api                └─ send esi.config.network
 *   +5.0ms    12.4ms  planner               └─ process esi.config
 *
 * Start offsets count from the trace's first span. A span whose parent never arrived
 * is shown as a root, marked, so a broken chain is visible rather than hidden.
 */
import type { TraceSpan } from './span.js';

export interface SpanNode {
  span: TraceSpan;
  children: SpanNode[];
  /** True when the span has a parent id that is not in the trace. */
  missingParent: boolean;
}

export function buildTree(spans: readonly TraceSpan[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const s of spans) if (!nodes.has(s.spanId)) nodes.set(s.spanId, { span: s, children: [], missingParent: false });
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    if (parent) parent.children.push(node);
    else {
      node.missingParent = node.span.parentSpanId !== '';
      roots.push(node);
    }
  }
  const byStart = (a: SpanNode, b: SpanNode): number => a.span.startMs - b.span.startMs;
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort(byStart);
}

export interface RenderOptions {
  /** Dim the details with ANSI escapes. */
  color?: boolean;
  /** Finds a linked span outside this trace (another resource's job that released one). */
  lookup?: (spanId: string) => TraceSpan | undefined;
}

export function renderTrace(spans: readonly TraceSpan[], opts: RenderOptions = {}): string[] {
  if (spans.length === 0) return [];
  const roots = buildTree(spans);
  const first = Math.min(...spans.map((s) => s.startMs));
  const last = Math.max(...spans.map((s) => s.startMs + s.durationMs));
  const services = [...new Set(spans.map((s) => s.service))];
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const dim = (t: string): string => (opts.color ? `\x1b[2m${t}\x1b[0m` : t);
  const lines = [
    `trace ${spans[0]!.traceId} · ${spans.length} spans · ${services.length} services (${services.join(', ')}) · ${duration(last - first)}`,
    `${'start'.padEnd(10)}${'duration'.padStart(9)}  ${'service'.padEnd(18)} span`,
  ];
  const walk = (node: SpanNode, prefix: string, branch: string): void => {
    const s = node.span;
    const details = detailsOf(s, (id) => byId.get(id) ?? opts.lookup?.(id), first);
    if (node.missingParent) details.unshift(`parent ${s.parentSpanId} not received`);
    lines.push(
      `${`+${duration(s.startMs - first)}`.padEnd(10)}${duration(s.durationMs).padStart(9)}  ${s.service.padEnd(18)} ${prefix}${branch}${s.name}` +
        (details.length ? `  ${dim(details.join(' · '))}` : ''),
    );
    const childPrefix = prefix + (branch === '└─ ' ? '   ' : branch === '├─ ' ? '│  ' : '');
    node.children.forEach((c, i) => walk(c, childPrefix, i === node.children.length - 1 ? '└─ ' : '├─ '));
  };
  for (const r of roots) walk(r, '', '');
  return lines;
}

/** What a reader needs beside the name: errors, retries, the job, and links. */
function detailsOf(s: TraceSpan, find: (spanId: string) => TraceSpan | undefined, first: number): string[] {
  const out: string[] = [];
  if (s.status === 'error') out.push(`ERROR${s.statusMessage ? `: ${s.statusMessage}` : ''}`);
  const outcome = s.attributes['esi.messaging.outcome'];
  if (outcome !== undefined && outcome !== 'ack') out.push(String(outcome));
  // The second name is what span files written before the rename carry.
  const delivery = Number(s.attributes['esi.messaging.delivery_count'] ?? s.attributes['messaging.message.delivery_count'] ?? 1);
  if (delivery > 1) out.push(`delivery ${delivery}`);
  if (s.attributes['esi.job.id'] !== undefined) out.push(`job ${String(s.attributes['esi.job.id'])}`);
  if (s.attributes['esi.messaging.duplicate'] === true) out.push('duplicate dropped');
  for (const l of s.links) {
    const linked = find(l.spanId);
    if (!linked) out.push(`linked to trace ${l.traceId} span ${l.spanId}`);
    else if (linked.traceId === s.traceId) out.push(`after ${linked.service} "${linked.name}" at +${duration(linked.startMs - first)}`);
    else {
      // The job waited for another change: name what released it.
      const dest = linked.attributes['messaging.destination.name'];
      out.push(`released by ${linked.service} "${linked.name}"${dest ? ` (${String(dest)})` : ''} of trace ${linked.traceId}`);
    }
  }
  return out;
}

export function duration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
}
