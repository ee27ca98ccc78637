/**
 * `esictl trace <type> <id>`: the trace of a resource's latest change as a tree with
 * timings, read from a Jaeger query service when one is given, otherwise from the span
 * file the local stack keeps (span-receiver.ts). The CLI passes the trace id when the
 * api told it one; otherwise the change is found among the spans (find-trace.ts).
 */
import { resolve } from 'node:path';
import { latestChangeTrace } from './find-trace.js';
import { JaegerSource } from './jaeger.js';
import type { TraceSpan } from './span.js';
import { readSpanFile } from './span-file.js';
import { buildTree, renderTrace, type SpanNode } from './trace-tree.js';

export interface ResourceTraceOptions {
  type: string;
  id: string;
  /** A trace id already known (e.g. the api's Explain); otherwise found among the spans. */
  traceId?: string;
  /** Jaeger query base URL (e.g. http://localhost:16686); spans then come from there. */
  jaegerUrl?: string;
  /** The local stack's span file; default: defaultSpanFile(). */
  spanFile?: string;
  /** One JSON document (the span tree) instead of text. */
  json?: boolean;
  color?: boolean;
  out: (text: string) => void;
}

/** Where `pnpm start` keeps spans: <ESI_DATA_DIR or ./.esi-data>/traces/spans.jsonl. */
export function defaultSpanFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(cwd, env.ESI_DATA_DIR || '.esi-data', 'traces', 'spans.jsonl');
}

/** Prints the trace; returns the exit code (0 printed, 1 no trace found). */
export async function printResourceTrace(opts: ResourceTraceOptions): Promise<number> {
  const found = opts.jaegerUrl ? await fromJaeger(opts, opts.jaegerUrl) : await fromFile(opts, opts.spanFile ?? defaultSpanFile());
  if (!found.traceId || found.spans.length === 0) {
    const what = found.traceId ? `trace ${found.traceId}` : `a trace of ${opts.type} ${opts.id}`;
    opts.out(`no spans of ${what} in ${found.where}`);
    return 1;
  }
  if (opts.json) {
    const strip = (n: SpanNode): unknown => ({ ...n.span, children: n.children.map(strip) });
    opts.out(JSON.stringify({ traceId: found.traceId, resource: { type: opts.type, id: opts.id }, roots: buildTree(found.spans).map(strip) }));
    return 0;
  }
  const lines = renderTrace(found.spans, { color: opts.color, lookup: found.lookup });
  opts.out(`${opts.type} ${opts.id}: latest change`);
  for (const line of lines) opts.out(line);
  if (opts.jaegerUrl) opts.out(`in Jaeger: ${opts.jaegerUrl.replace(/\/$/, '')}/trace/${found.traceId}`);
  return 0;
}

interface Found {
  traceId: string | undefined;
  spans: TraceSpan[];
  where: string;
  lookup?: (spanId: string) => TraceSpan | undefined;
}

async function fromFile(opts: ResourceTraceOptions, file: string): Promise<Found> {
  const all = await readSpanFile(file);
  const traceId = opts.traceId || latestChangeTrace(all, opts.type, opts.id);
  const byId = new Map(all.map((s) => [s.spanId, s]));
  return { traceId, spans: all.filter((s) => s.traceId === traceId), where: file, lookup: (id) => byId.get(id) };
}

async function fromJaeger(opts: ResourceTraceOptions, url: string): Promise<Found> {
  const jaeger = new JaegerSource(url);
  let traceId = opts.traceId;
  if (!traceId) {
    const changes = await jaeger.search('api', { 'messaging.destination.name': `esi.config.${opts.type}.${opts.id}` });
    const resyncs = await jaeger.search('planner', { 'esi.resource.id': opts.id });
    traceId = latestChangeTrace([...changes, ...resyncs].flat(), opts.type, opts.id);
  }
  return { traceId, spans: traceId ? await jaeger.trace(traceId) : [], where: `Jaeger at ${url}` };
}
