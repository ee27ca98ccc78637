/**
 * What GET /metrics answers: OpenMetrics (with exemplars) to a client that accepts it,
 * as Prometheus does when asked for exemplars, and the classic Prometheus text format
 * to everyone else (curl, older scrapers, the tests' parser).
 *
 * The registry is an OpenMetrics one (exemplars need it), so the classic text is derived
 * from its output instead of a second registry: prom-client renames counters in place
 * while writing OpenMetrics (esi_jobs_total → family esi_jobs), so a second registry
 * sharing the same metric objects would print the wrong names.
 */
import { Registry } from 'prom-client';
import { metricsRegistry } from './metrics.js';

export const OPENMETRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** True when an Accept header lists application/openmetrics-text with a q above 0. */
export function acceptsOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    if (type?.toLowerCase() !== 'application/openmetrics-text') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export async function renderMetrics(openMetrics: boolean): Promise<{ contentType: string; body: string }> {
  const om = await metricsRegistry.metrics();
  return openMetrics ? { contentType: OPENMETRICS_CONTENT_TYPE, body: om } : { contentType: PROMETHEUS_CONTENT_TYPE, body: openMetricsToText(om) };
}

/**
 * OpenMetrics as prom-client writes it → Prometheus text 0.0.4: counter families get
 * their `_total` back in HELP and TYPE, exemplars (` # {trace_id="…"} value timestamp`
 * after a sample; our exemplar labels are hex ids, never containing " # {") and the
 * closing `# EOF` go.
 */
export function openMetricsToText(om: string): string {
  const out: string[] = [];
  for (const line of om.split('\n')) {
    if (line === '# EOF') continue;
    const counter = /^# TYPE (\S+) counter$/.exec(line);
    if (counter && !counter[1]!.endsWith('_total')) {
      const family = counter[1]!;
      const help = out.length - 1;
      if (out[help]?.startsWith(`# HELP ${family} `)) out[help] = `# HELP ${family}_total ${out[help]!.slice(`# HELP ${family} `.length)}`;
      out.push(`# TYPE ${family}_total counter`);
      continue;
    }
    if (!line.startsWith('#')) {
      const cut = line.lastIndexOf(' # {');
      out.push(cut > 0 ? line.slice(0, cut) : line);
      continue;
    }
    out.push(line);
  }
  return `${out.join('\n').trimEnd()}\n`;
}
