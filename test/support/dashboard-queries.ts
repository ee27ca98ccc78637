/**
 * The Prometheus queries of a Grafana dashboard (nested rows included), and Grafana's
 * variables and intervals turned into plain PromQL, for tests that run them against a
 * real Prometheus.
 */
interface Panel {
  title: string;
  datasource?: { type: string };
  targets?: { expr?: string; datasource?: { type: string } }[];
  panels?: Panel[];
}

export interface DashboardQuery {
  panel: string;
  expr: string;
}

export function dashboardQueries(json: string): DashboardQuery[] {
  const dashboard = JSON.parse(json) as { panels: Panel[] };
  return dashboard.panels
    .flatMap((p) => [p, ...(p.panels ?? [])])
    .flatMap((p) => (p.targets ?? []).filter((t) => t.expr && (t.datasource ?? p.datasource)?.type === 'prometheus').map((t) => ({ panel: p.title, expr: t.expr! })));
}

/** Grafana's variables as "All" and its intervals as a fixed window. */
export function grafanaToPromQL(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__range/g, '5m').replace(/"\$\w+"/g, '".*"');
}

/** Panels that have data only after a failure (parked, retries, server errors). */
export const FAILURE_ONLY_PANEL = /parked|retr|redeliver|failed|error ratio|UNKNOWN\|DEADLINE/i;
