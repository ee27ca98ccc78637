/**
 * The spans of one change for the waterfall: from Jaeger's query API when one is
 * configured, otherwise from the span file `pnpm start` keeps. Which trace may be read
 * is decided by the api: only trace ids its Explain answer gave this caller for this
 * resource, so a tenant cannot read another tenant's change by guessing an id.
 */
import { stat } from 'node:fs/promises';
import type { api } from '@esi/contracts';
import { JaegerSource, latestChangeTrace, readSpanFile, type TraceSpan } from '@esi/trace-view';

export interface TraceSourceOptions {
  /** The local stack's span file (`<data dir>/traces/spans.jsonl`). */
  spanFile?: string;
  /** Jaeger query base URL; spans then come from there and the page links to it. */
  jaegerUrl?: string;
  /** Jaeger as the browser reaches it, when that differs (compose: jaeger:16686 inside, localhost:16686 outside). */
  jaegerUiUrl?: string;
}

export interface TraceAnswer {
  traceId: string;
  /** Every trace id the api named for this resource (its jobs' and its latest change's). */
  traceIds: string[];
  source: 'jaeger' | 'span file' | 'none';
  jaegerUrl: string | null;
  spans: TraceSpan[];
}

/** Trace ids Explain gave for the resource: the latest change's first. */
export function traceIdsOf(explained: api.ExplainResponse): string[] {
  const ids = [explained.traceId, ...explained.jobs.map((j) => j.traceId)].filter(Boolean);
  return [...new Set(ids)];
}

export class TraceSource {
  private cached: { key: string; spans: TraceSpan[] } | undefined;

  constructor(private readonly opts: TraceSourceOptions) {}

  get jaegerUrl(): string | null {
    const url = this.opts.jaegerUiUrl || this.opts.jaegerUrl;
    return url ? url.replace(/\/$/, '') : null;
  }

  async forResource(explained: api.ExplainResponse, type: string, id: string, wanted: string | undefined): Promise<TraceAnswer> {
    const allowed = traceIdsOf(explained);
    const none: TraceAnswer = { traceId: '', traceIds: allowed, source: 'none', jaegerUrl: this.jaegerUrl, spans: [] };
    if (wanted && !allowed.includes(wanted)) return none;
    if (this.opts.jaegerUrl) {
      const jaeger = new JaegerSource(this.opts.jaegerUrl);
      // A settled resource's workflow record no longer names its trace: find the change in Jaeger, as esictl trace does.
      const traceId = wanted || allowed[0] || (await latestInJaeger(jaeger, type, id));
      if (!traceId) return none;
      return { ...none, traceId, traceIds: allowed.length > 0 ? allowed : [traceId], source: 'jaeger', spans: (await jaeger.trace(traceId)).sort((a, b) => a.startMs - b.startMs) };
    }
    if (!this.opts.spanFile) return none;
    const all = await this.fileSpans(this.opts.spanFile);
    // A change planned before the planner recorded trace ids is still found by its spans.
    const traceId = wanted || allowed[0] || latestChangeTrace(all, type, id) || '';
    if (!traceId) return none;
    const spans = all.filter((s) => s.traceId === traceId).sort((a, b) => a.startMs - b.startMs);
    return { ...none, traceId, traceIds: allowed.length > 0 ? allowed : [traceId], source: 'span file', spans };
  }

  /** The file is read again only when it (or its rotated part) changed since the last read. */
  private async fileSpans(file: string): Promise<TraceSpan[]> {
    const sig = async (p: string): Promise<string> => stat(p).then((s) => `${s.size}:${s.mtimeMs}`, () => '-');
    const key = `${await sig(file)}|${await sig(`${file}.1`)}`;
    if (this.cached?.key !== key) this.cached = { key, spans: await readSpanFile(file) };
    return this.cached.spans;
  }
}

async function latestInJaeger(jaeger: JaegerSource, type: string, id: string): Promise<string | undefined> {
  const changes = await jaeger.search('api', { 'messaging.destination.name': `esi.config.${type}.${id}` });
  const resyncs = await jaeger.search('planner', { 'esi.resource.id': id });
  return latestChangeTrace([...changes, ...resyncs].flat(), type, id);
}
