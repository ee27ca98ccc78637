/**
 * Metrics that lead to traces, on a real stack (nats-server, etcd, the five services)
 * with a real Prometheus (Debian's, 2.42, started here with exemplar storage on a free
 * loopback port) scraping the services and etcd, and the spans exported over OTLP:
 *
 * - a change's trace shows the etcd requests each job made, as CLIENT spans under it;
 * - every span names the process that made it (service.instance.id, process.pid);
 * - Prometheus keeps the services' exemplars and each one's trace id is a trace in the
 *   span store (the change's own trace among them);
 * - the gRPC request/error/latency series, etcd's own series, the alert rules (loaded,
 *   evaluated, none firing on a healthy stack) and every dashboard and alert query run
 *   in that Prometheus.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '@esi/contracts';
import { call, createResource, getResource, resourceClient, type ResourceClient } from '@esi/client';
import { freePort, hasBinary } from '@esi/test-servers';
import { REPO_ROOT, startStack, type Stack } from '@esi/local-stack';
import { startOtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { waitFor } from '../support/wait.js';

const SPAN_KIND_CLIENT = 3;
const SPAN_KIND_SERVER = 2;

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let stack: Stack;
let client: ResourceClient;
let prometheus: ChildProcess | undefined;
let promUrl: string;
let networkId: string;

async function startPrometheus(dir: string): Promise<void> {
  if (!hasBinary('prometheus')) throw new Error('prometheus not found: install Debian’s prometheus package (apt-get install prometheus)');
  const hostPort = (url: string) => new URL(url).host;
  const config = {
    // A service's scrape reads the consumers' backlog from JetStream (up to 2 s on a busy
    // machine), so the timeout leaves room for that.
    global: { scrape_interval: '3s', scrape_timeout: '3s', evaluation_interval: '1s' },
    rule_files: [join(REPO_ROOT, 'deploy/prometheus/alerts.yml')],
    scrape_configs: [
      { job_name: 'esi', static_configs: [{ targets: SERVICE_NAMES.map((n) => hostPort(stack.services.get(n)!.metricsUrl!)) }] },
      { job_name: 'etcd', static_configs: [{ targets: [hostPort(stack.etcdEndpoints.split(',')[0]!)] }] },
    ],
  };
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, JSON.stringify(config));
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    'prometheus',
    [`--config.file=${file}`, `--storage.tsdb.path=${join(dir, 'prometheus-data')}`, `--web.listen-address=127.0.0.1:${port}`, '--enable-feature=exemplar-storage', '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  prometheus.stderr!.on('data', (c: Buffer) => void (stderr = (stderr + c.toString()).slice(-4000)));
  await waitFor(`Prometheus ready (${stderr})`, async () => {
    if (prometheus!.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
    return (await fetch(`${promUrl}/-/ready`).catch(() => undefined))?.ok ? true : undefined;
  }, 30_000);
}

interface PromAnswer<T> {
  status: string;
  data: T;
  error?: string;
}

async function prom<T>(path: string, params: Record<string, string>): Promise<PromAnswer<T>> {
  const res = await fetch(`${promUrl}${path}?${new URLSearchParams(params)}`);
  return (await res.json()) as PromAnswer<T>;
}

type Vector = { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };

async function instant(query: string): Promise<Vector['result']> {
  const a = await prom<Vector>('/api/v1/query', { query });
  expect(a.status, `${query}: ${a.error ?? ''}`).toBe('success');
  return a.data.result;
}

interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

async function exemplarTraceIds(metric: string): Promise<string[]> {
  const now = Date.now() / 1000;
  const a = await prom<ExemplarSeries[]>('/api/v1/query_exemplars', { query: metric, start: String(now - 600), end: String(now + 60) });
  expect(a.status, a.error).toBe('success');
  return a.data.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id!)).filter(Boolean);
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esi-signals-'));
  receiver = await startOtlpReceiver();
  stack = await startStack({
    dataDir: dir,
    deviceSimulator: false,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ESI_POLL_INTERVAL_MS: '300', ESI_HEAT_SIMULATED_LATENCY_MS: '50' },
  });
  await startPrometheus(dir);
  client = resourceClient(stack.apiAddr);
  networkId = (await createResource(client, 'network', { name: 'signals-net', tenant_id: 't1' })).resource!.id;
  await waitFor('the network settled', async () => {
    const r = (await getResource(client, 'network', networkId)).resource!;
    const state = r.stateJson ? (JSON.parse(r.stateJson) as { state: Record<string, string> }).state.worker_state : undefined;
    return state === 'CREATE_COMPLETED' ? true : undefined;
  }, 60_000);
  // A call the api answers NOT_FOUND: a client error, counted by its code.
  await call(client, client.getResource, { resourceType: 'network', id: '00000000-0000-4000-8000-000000000000' }).catch(() => undefined);
  // Spans leave in batches (500 ms): wait for the last call's before reading any.
  const notFound = (s: ReceivedSpan) => s.name.endsWith('/GetResource') && s.attributes['rpc.grpc.status_code'] === 5;
  await waitFor('the NOT_FOUND call’s span exported', async () => (receiver.spans.some(notFound) ? true : undefined), 20_000);
}, 180_000);

afterAll(async () => {
  client?.close();
  if (prometheus && prometheus.exitCode === null) {
    const gone = new Promise((r) => prometheus!.once('exit', r));
    prometheus.kill('SIGTERM');
    await gone;
  }
  await stack?.stop();
  await receiver?.close();
});

/** Grafana's variables as "All" and its intervals as a fixed window. */
function grafanaToPromQL(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__range/g, '5m').replace(/"\$\w+"/g, '".*"');
}

function networkTrace(): ReceivedSpan[] {
  const root = receiver.spans.find((s) => s.kind === SPAN_KIND_SERVER && s.name.endsWith('/CreateResource') && s.attributes['esi.resource.id'] === networkId);
  expect(root, 'the CreateResource span of the network').toBeDefined();
  return receiver.spans.filter((s) => s.traceId === root!.traceId);
}

describe('traces', () => {
  it('a change’s trace shows the etcd requests of each job as CLIENT spans under the job’s span', async () => {
    // The aggregator's final state write is the last step: wait until its spans arrived,
    // and every span's parent too (a parent ends after its children, so on a busy machine
    // it can leave in a later batch than they do).
    const spans = await waitFor('the network trace down to its state, every parent included', async () => {
      const t = networkTrace();
      const ids = new Set(t.map((s) => s.spanId));
      const complete = t.every((s) => !s.parentSpanId || ids.has(s.parentSpanId) || s.kind === SPAN_KIND_SERVER);
      return complete && t.some((s) => s.name === 'send esi.state.network') ? t : undefined;
    }, 60_000);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const under = (s: ReceivedSpan, ancestor: ReceivedSpan): boolean => {
      for (let p = byId.get(s.parentSpanId); p; p = byId.get(p.parentSpanId)) if (p.spanId === ancestor.spanId) return true;
      return false;
    };
    const etcdSpans = spans.filter((s) => s.attributes['db.system.name'] === 'etcd');
    for (const s of etcdSpans) {
      expect(s.kind).toBe(SPAN_KIND_CLIENT);
      expect(s.attributes).toMatchObject({ 'db.system': 'etcd' });
      expect(['get', 'range', 'put', 'delete', 'txn']).toContain(s.attributes['db.operation.name']);
      expect(s.name).toBe(`${String(s.attributes['db.operation.name'])} ${String(s.attributes['db.collection.name'])}`);
      expect(byId.has(s.parentSpanId), `${s.name} hangs in the trace`).toBe(true);
    }
    const steps = spans.filter((s) => s.name.startsWith('process ') || s.name.endsWith('/CreateResource'));
    // The api's call, the planner's handling, each job on its worker, the aggregator.
    expect(new Set(steps.map((s) => s.service))).toEqual(new Set(SERVICE_NAMES));
    const perStep = steps.map((step) => ({ step: `${step.service} ${step.name}`, etcd: etcdSpans.filter((e) => under(e, step) && e.service === step.service).length }));
    console.log(`etcd spans in the network's trace: ${etcdSpans.length} of ${spans.length} spans; per step: ${JSON.stringify(perStep)}`);
    for (const job of steps.filter((s) => s.name.startsWith('process esi.work.'))) {
      expect(etcdSpans.some((e) => under(e, job) && e.service === job.service), `${job.service} ${job.name} shows its etcd requests`).toBe(true);
    }
    // The steps that write: the api's call, the planner planning the change, each job
    // (above), and the aggregator's state write.
    const count = (service: string, name: string) => perStep.filter((p) => p.step === `${service} ${name}`).reduce((n, p) => n + p.etcd, 0);
    expect(count('api', 'esi.api.v1.ResourceService/CreateResource')).toBeGreaterThan(0);
    expect(count('planner', 'process esi.config')).toBeGreaterThan(0);
    expect(count('state-aggregator', 'process esi.result')).toBeGreaterThan(0);
  });

  it('every server span ends with rpc.grpc.status_code, OK included', () => {
    const server = receiver.spans.filter((s) => s.kind === SPAN_KIND_SERVER && s.service === 'api');
    expect(server.length).toBeGreaterThan(1);
    for (const s of server) expect(typeof s.attributes['rpc.grpc.status_code'], s.name).toBe('number');
    expect(networkTrace().find((s) => s.kind === SPAN_KIND_SERVER)!.attributes['rpc.grpc.status_code']).toBe(0);
    expect(server.some((s) => s.name.endsWith('/GetResource') && s.attributes['rpc.grpc.status_code'] === 5)).toBe(true);
  });

  it('every span names the process that made it: one service.instance.id per process', () => {
    // By process id, not by service: a service the supervisor restarted (a planner that
    // lost its lease on a starved core exits on purpose) is a second process, and says so.
    const idsOfProcess = new Map<string, Set<string>>();
    const servicesSeen = new Set<string>();
    for (const s of receiver.spans) {
      expect(s.resource['service.instance.id'], `${s.service} ${s.name}`).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.resource['host.name']).toBeTruthy();
      const pid = `${s.service}:${String(s.resource['process.pid'])}`;
      idsOfProcess.set(pid, (idsOfProcess.get(pid) ?? new Set<string>()).add(String(s.resource['service.instance.id'])));
      servicesSeen.add(s.service);
    }
    expect([...servicesSeen].sort()).toEqual([...SERVICE_NAMES].sort());
    for (const [pid, ids] of idsOfProcess) expect(ids.size, pid).toBe(1);
    // No two processes share an instance id; the processes running now are among them.
    expect(new Set([...idsOfProcess.values()].flatMap((s) => [...s])).size).toBe(idsOfProcess.size);
    for (const name of SERVICE_NAMES) {
      const pid = String(stack.services.get(name)!.process.proc.pid);
      expect(idsOfProcess.has(`${name}:${pid}`), `${name} ${pid}`).toBe(true);
    }
  });
});

describe('metrics that lead to traces (Prometheus with exemplar storage)', () => {
  it('Prometheus keeps exemplars whose trace ids are traces in the span store, the change’s own among them', async () => {
    const networkTraceId = networkTrace()[0]!.traceId;
    const figures: Record<string, number> = {};
    for (const metric of ['esi_job_duration_seconds_bucket', 'esi_change_duration_seconds_bucket', 'grpc_server_handling_seconds_bucket', 'esi_etcd_request_duration_seconds_bucket']) {
      const ids = await waitFor(`exemplars of ${metric}`, async () => {
        const got = await exemplarTraceIds(metric);
        return got.length > 0 ? got : undefined;
      }, 20_000);
      figures[metric] = ids.length;
      // An exemplar can be scraped before its span left the service's batch (500 ms).
      const missing = await waitFor(`the traces of ${metric}'s exemplars in the span store`, async () => {
        const traceIds = new Set(receiver.spans.map((s) => s.traceId));
        const notYet = ids.filter((id) => !traceIds.has(id));
        return notYet.length === 0 ? notYet : undefined;
      }, 10_000).catch(() => ids.filter((id) => !receiver.spans.some((s) => s.traceId === id)));
      expect(missing, `${metric}: exemplar traces missing from the span store`).toEqual([]);
      if (metric !== 'esi_etcd_request_duration_seconds_bucket') expect(ids, metric).toContain(networkTraceId);
    }
    console.log(`exemplars kept by Prometheus: ${JSON.stringify(figures)}`);
  });

  it('scrapes the services (in OpenMetrics: the exemplars above come only with it) and etcd’s own metrics; the gRPC request and error series count the calls', async () => {
    const up = await waitFor('every target up', async () => {
      const r = await instant('up');
      return r.length === SERVICE_NAMES.length + 1 && r.every((s) => s.value[1] === '1') ? r : undefined;
    }, 20_000);
    expect(up.filter((s) => s.metric.job === 'etcd')).toHaveLength(1);
    expect((await instant('etcd_server_has_leader'))[0]?.value[1]).toBe('1');
    const handled = async (q: string) => Number((await instant(q))[0]?.value[1] ?? 0);
    expect(await handled('sum(grpc_server_handled_total{grpc_method="CreateResource", grpc_code="OK", grpc_type="unary"})')).toBeGreaterThanOrEqual(1);
    expect(await handled('sum(grpc_server_handled_total{grpc_method="GetResource", grpc_code="NOT_FOUND"})')).toBeGreaterThanOrEqual(1);
    expect(await handled('sum(grpc_server_started_total{grpc_method="CreateResource"})')).toBeGreaterThanOrEqual(1);
    expect(await handled('min(esi_dependency_up)')).toBe(1);
  });

  it('the alert rules load, evaluate without error, and none fires on a healthy stack', async () => {
    type Rules = { groups: { rules: { name: string; health: string; lastError?: string; state: string }[] }[] };
    const rules = await waitFor('every rule evaluated', async () => {
      const a = await prom<Rules>('/api/v1/rules', { type: 'alert' });
      const all = a.data.groups.flatMap((g) => g.rules);
      return all.length > 0 && all.every((r) => r.health === 'ok') ? all : undefined;
    }, 20_000);
    expect(rules.map((r) => r.name).sort()).toEqual(['EsiApiServerErrors', 'EsiBacklogGrowing', 'EsiDependencyUnreachable', 'EsiEtcdSpaceLow', 'EsiMessagesParked', 'EsiTargetDown']);
    expect(rules.filter((r) => r.state !== 'inactive').map((r) => r.name)).toEqual([]);
  });

  it('every alert expression and every dashboard query runs, and the dashboard’s panels show data', async () => {
    const alerts = parse(readFileSync(join(REPO_ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { expr: string }[] }[] };
    for (const r of alerts.groups.flatMap((g) => g.rules)) await instant(r.expr);
    type Panel = { title: string; datasource?: { type: string }; targets?: { expr?: string; datasource?: { type: string } }[]; panels?: Panel[] };
    const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/dashboards/esi-job-flow.json'), 'utf8')) as { panels: Panel[] };
    const queries = dashboard.panels
      .flatMap((p) => [p, ...(p.panels ?? [])])
      .flatMap((p) => (p.targets ?? []).filter((t) => (t.datasource ?? p.datasource)?.type === 'prometheus').map((t) => ({ panel: p.title, expr: t.expr! })));
    for (const q of queries) await instant(grafanaToPromQL(q.expr));
    // A few panels only have data after a failure (parked, retries, server errors).
    const mayBeEmpty = /parked|retr|redeliver|failed|error ratio|UNKNOWN\|DEADLINE/i;
    const mustShow = queries.filter((q) => !mayBeEmpty.test(`${q.panel}: ${q.expr}`));
    // rate() and increase() need two scrapes after the change: wait for them.
    let stillEmpty: string[] = [];
    await waitFor('every dashboard panel that should show data shows it', async () => {
      stillEmpty = [];
      for (const q of mustShow) if ((await instant(grafanaToPromQL(q.expr))).length === 0) stillEmpty.push(`${q.panel}: ${q.expr}`);
      return stillEmpty.length === 0 ? true : undefined;
    }, 30_000, 1_000).catch((err: Error) => {
      throw new Error(`${err.message}; still empty: ${stillEmpty.join(' | ')}`);
    });
  });
});
