/**
 * The Prometheus configuration and the alert rules load (promtool, from Debian's
 * prometheus package), each alert fires when it should (deploy/prometheus/alerts.test.yml),
 * and every alert expression and every Prometheus query of the dashboard (nested panels
 * and variables included) names series and labels the services define, read from the
 * telemetry registry itself, or that etcd exports (read from a real etcd's /metrics).
 * test/e2e/observability-signals.test.ts checks the same against a running stack and a
 * real Prometheus.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@esi/local-stack';
import { hasBinary, startEtcd } from '@esi/test-servers';
// The registry of @esi/telemetry (metrics.ts, grpc-metrics.ts) by path: what every service exports.
import { metricsRegistry } from '../../packages/telemetry/src/index.js';
import { parsePromText, seriesUsedBy } from '../support/prom-text.js';

const PROM_DIR = join(REPO_ROOT, 'deploy/prometheus');

function promtool(...args: string[]): string {
  if (!hasBinary('promtool')) throw new Error('promtool not found: install Debian’s prometheus package (apt-get install prometheus)');
  return execFileSync('promtool', args, { cwd: PROM_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Series name → label names, for every series the services define (histograms expanded). */
async function definedSeries(): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  // Labels every series gets: the service (default label) and the scrape's job and instance.
  const common = ['service', 'job', 'instance'];
  for (const m of await metricsRegistry.getMetricsAsJSON()) {
    const metric = metricsRegistry.getSingleMetric(m.name) ?? [...metricsRegistry.getMetricsAsArray()].find((x) => (x as unknown as { name: string }).name === m.name);
    const labelNames = ((metric as unknown as { labelNames?: string[] })?.labelNames ?? []).concat(common);
    const type = String(m.type);
    // prom-client may have renamed a counter to its family while writing OpenMetrics.
    const name = type === 'counter' && !m.name.endsWith('_total') ? `${m.name}_total` : m.name;
    if (type === 'histogram') {
      out.set(`${name}_bucket`, new Set([...labelNames, 'le']));
      out.set(`${name}_sum`, new Set(labelNames));
      out.set(`${name}_count`, new Set(labelNames));
    } else out.set(name, new Set(labelNames));
  }
  // Prometheus' own series for every target.
  out.set('up', new Set(['job', 'instance']));
  return out;
}

/** The series a real etcd exports (job etcd in prometheus.yml), with the scrape's labels. */
async function etcdSeries(): Promise<Map<string, Set<string>>> {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-series-'));
  const etcd = await startEtcd(dir);
  try {
    const out = new Map<string, Set<string>>();
    for (const sample of parsePromText(await (await fetch(`${etcd.url}/metrics`)).text()).samples) {
      const labels = out.get(sample.name) ?? new Set(['job', 'instance']);
      for (const l of Object.keys(sample.labels)) labels.add(l);
      out.set(sample.name, labels);
    }
    return out;
  } finally {
    await etcd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectKnown(defined: Map<string, Set<string>>, where: string, expr: string): void {
  const used = seriesUsedBy(expr.replace(/\$__\w+|\$\w+/g, (v) => (v.startsWith('$__') ? '5m' : 'x')));
  expect(used.metrics.length, `${where}: ${expr}`).toBeGreaterThan(0);
  for (const m of used.metrics) expect(defined.has(m), `${where}: ${m} is a series the services (or etcd) export`).toBe(true);
  const labels = new Set(used.metrics.flatMap((m) => [...(defined.get(m) ?? [])]));
  for (const l of used.labels) expect(labels.has(l), `${where}: label ${l} on ${used.metrics.join(', ')}`).toBe(true);
}

interface Panel {
  title: string;
  type: string;
  datasource?: { type: string; uid: string };
  targets?: { expr?: string; exemplar?: boolean; datasource?: { type: string } }[];
  panels?: Panel[];
}

describe('Prometheus configuration and alert rules', () => {
  it('promtool accepts the configuration and the rules, and every alert fires when it should', () => {
    expect(promtool('check', 'config', 'prometheus.yml')).toContain('is valid prometheus config file syntax');
    expect(promtool('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: 6 rules found/);
    expect(promtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });

  it('every alert has a unit test, and every expression names series the services or etcd export', async () => {
    const defined = new Map([...(await etcdSeries()), ...(await definedSeries())]);
    const rules = parse(readFileSync(join(PROM_DIR, 'alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const tests = parse(readFileSync(join(PROM_DIR, 'alerts.test.yml'), 'utf8')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const fired = new Set(tests.tests.flatMap((t) => t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.alert).sort()).toEqual(['EsiApiServerErrors', 'EsiBacklogGrowing', 'EsiDependencyUnreachable', 'EsiEtcdSpaceLow', 'EsiMessagesParked', 'EsiTargetDown']);
    for (const r of all) {
      expect(fired.has(r.alert), `${r.alert} is shown firing in alerts.test.yml`).toBe(true);
      expectKnown(defined, r.alert, r.expr);
    }
  });
});

describe('dashboard', () => {
  const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/dashboards/esi-job-flow.json'), 'utf8')) as {
    panels: Panel[];
    templating: { list: { name: string; type: string; query: string | { query: string } }[] };
  };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

  it('every Prometheus query, nested panels and variables included, names series the services export', async () => {
    const defined = await definedSeries();
    const prometheusTargets = panels.flatMap((p) => (p.targets ?? []).filter((t) => (t.datasource ?? p.datasource)?.type === 'prometheus').map((t) => ({ p, t })));
    expect(prometheusTargets.length).toBeGreaterThan(25);
    for (const { p, t } of prometheusTargets) expectKnown(defined, p.title, t.expr!);
    for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
      const q = typeof v.query === 'string' ? v.query : v.query.query;
      const m = /^label_values\((\w+),\s*(\w+)\)$/.exec(q);
      expect(m, `variable ${v.name}: ${q}`).not.toBeNull();
      expect(defined.get(m![1]!)?.has(m![2]!), `variable ${v.name}: ${m![1]} has label ${m![2]}`).toBe(true);
    }
  });

  it('has the handler and resource type variables, uses them, shows exemplars, and has a traces panel', () => {
    const vars = dashboard.templating.list.map((v) => v.name);
    expect(vars).toEqual(expect.arrayContaining(['handler', 'resource_type', 'trace_id']));
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
    expect(exprs.filter((e) => e.includes('handler=~"$handler"')).length).toBeGreaterThan(2);
    expect(exprs.filter((e) => e.includes('resource_type=~"$resource_type"')).length).toBeGreaterThan(2);
    const withExemplars = panels.filter((p) => (p.targets ?? []).some((t) => t.exemplar));
    expect(withExemplars.map((p) => p.title)).toEqual(expect.arrayContaining(['Job latency percentiles (dispatch → result)', 'Time from change to final state', 'API latency p95 by method']));
    const traces = panels.filter((p) => p.type === 'traces');
    expect(traces).toHaveLength(1);
    expect(traces[0]!.datasource).toEqual({ type: 'jaeger', uid: 'jaeger' });
    const sources = parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/provisioning/datasources/datasources.yml'), 'utf8')) as {
      datasources: { uid: string; jsonData?: { exemplarTraceIdDestinations?: { name: string; datasourceUid: string }[] } }[];
    };
    // The label the services put on exemplars (packages/telemetry/src/exemplars.ts) opens Jaeger.
    expect(sources.datasources.find((d) => d.uid === 'prometheus')?.jsonData?.exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'jaeger' }]);
  });
});
