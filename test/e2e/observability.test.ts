/**
 * Observability on a real stack (nats-server, etcd, five service processes), spans
 * exported over OTLP to trace-view's receiver: one connected trace per change in the
 * expected shape, the trace id recorded by the planner, `esictl trace`'s printout, the
 * metrics each service serves counted against what the streams say happened, every
 * query of the provisioned dashboard against the series really exported, and trace ids
 * on the log lines written while handling messages and requests.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, jetstream, type JetStreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES, STREAMS, events } from '@esi/contracts';
import { run as esictl } from '@esi/cli';
import { createResource, getResource, call, resourceClient, type ResourceClient } from '@esi/client';
import { startStack, REPO_ROOT, type Stack } from '@esi/local-stack';
import { latestChangeTrace, printResourceTrace, readSpanFile, startSpanReceiver, type SpanReceiver, type TraceSpan } from '@esi/trace-view';
import { EtcdRecorder } from '../support/etcd-recorder.js';
import { parsePromText, seriesNames, seriesUsedBy, type Sample, type Scrape } from '../support/prom-text.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
let receiver: SpanReceiver;
let client: ResourceClient;
let etcd: Etcd3;
let recorder: EtcdRecorder;
let nc: NatsConnection;
let jsm: JetStreamManager;
const ids: Record<'network' | 'dhcpPort' | 'device' | 'physicalPort' | 'logicalPort', string> = { network: '', dhcpPort: '', device: '', physicalPort: '', logicalPort: '' };

interface State {
  state: Record<string, string>;
  version: number;
  error: string;
}

async function settled(type: string, id: string): Promise<State> {
  return waitFor(`${type} ${id} settled`, async () => {
    const r = (await getResource(client, type, id)).resource!;
    if (!r.stateJson) return undefined;
    const s = JSON.parse(r.stateJson) as State;
    return /_(COMPLETED|FAILED)$|READ_COMPLETE/.test(s.state.worker_state ?? '') ? s : undefined;
  }, 30_000);
}

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'esi-obs-'));
  receiver = await startSpanReceiver({ file: join(dataDir, 'traces', 'spans.jsonl') });
  stack = await startStack({
    dataDir,
    deviceSimulator: false,
    // Stacks take a while, so the logical port's heat job waits for the physical port's.
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ESI_POLL_INTERVAL_MS: '300', ESI_HEAT_SIMULATED_LATENCY_MS: '400', LOG_LEVEL: 'info' },
  });
  client = resourceClient(stack.apiAddr);
  etcd = new Etcd3({ hosts: stack.etcdEndpoints });
  recorder = new EtcdRecorder(etcd);
  await recorder.start('/esi-planner/');
  nc = await connect({ servers: stack.natsUrl });
  jsm = await jetstreamManager(nc);

  // A network (heat then monitoring job), a DHCP port (no job: READ_COMPLETE), and a
  // logical port whose heat job waits for its physical port's and then fails (the DHCP
  // port has no stack outputs).
  ids.network = (await createResource(client, 'network', { name: 'obs-net', tenant_id: 't1' })).resource!.id;
  ids.dhcpPort = (await createResource(client, 'port', { network_id: ids.network, device_owner: 'network:dhcp', tenant_id: 't1', fixed_ips: [] })).resource!.id;
  ids.device = (await createResource(client, 'ese_device', { name: 'sw', hostname: 'sw', existing: 'existing', management_ip_address: '127.0.0.1', tenant_id: 't1' })).resource!.id;
  await settled('network', ids.network);
  await settled('port', ids.dhcpPort);
  await settled('ese_device', ids.device);
  ids.physicalPort = (await createResource(client, 'ese_physical_port', { name: 'xe-0/0/9', ese_device_id: ids.device, existing: 'new', tenant_id: 't1' })).resource!.id;
  ids.logicalPort = (
    await createResource(client, 'ese_logical_port', {
      name: 'xe-0/0/9.10', type: 'L2', vlan_id: 10, network_id: ids.network, ese_physical_port_id: ids.physicalPort, port_ids: [ids.dhcpPort], connected_resource: 'gw_interface', tenant_id: 't1',
    })
  ).resource!.id;
  await settled('ese_physical_port', ids.physicalPort);
  await settled('ese_logical_port', ids.logicalPort);

  // A work message the heat-worker cannot use: parked at once.
  await jetstream(nc).publish('esi.work.heat_worker', new Uint8Array());
  // A request the api rejects (its log line must carry the request's trace too).
  await call(client, client.getResource, { resourceType: 'network', id: '00000000-0000-4000-8000-000000000000' }).catch(() => undefined);

  await waitFor('the injected message parked', async () => ((await jsm.streams.info(STREAMS.dead.name)).state.messages === 1 ? true : undefined), 20_000);
  // Let the last spans leave the services' batch exporters (500 ms).
  await new Promise((r) => setTimeout(r, 1_500));
}, 150_000);

afterAll(async () => {
  await recorder?.stop();
  await nc?.close();
  etcd?.close();
  client?.close();
  await stack?.stop();
  await receiver?.close();
});

// ---------------------------------------------------------------- traces

async function traceOf(type: string, id: string): Promise<TraceSpan[]> {
  const all = await readSpanFile(receiver.file);
  const traceId = latestChangeTrace(all, type, id);
  expect(traceId, `a trace for ${type} ${id}`).toBeDefined();
  return all.filter((s) => s.traceId === traceId);
}

function only(spans: TraceSpan[], pred: (s: TraceSpan) => boolean, what: string): TraceSpan {
  const found = spans.filter(pred);
  expect(found.map((s) => `${s.service} ${s.name}`), what).toHaveLength(1);
  return found[0]!;
}

const childOf = (spans: TraceSpan[], parent: TraceSpan, service: string, name: string): TraceSpan =>
  only(spans, (s) => s.parentSpanId === parent.spanId && s.service === service && s.name === name, `${service} "${name}" under ${parent.service} "${parent.name}"`);

describe('one trace per change', () => {
  it('a network create is one trace: api → planner → each job on its worker → aggregator → state', async () => {
    const spans = await traceOf('network', ids.network);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(SERVICE_NAMES));
    const spanIds = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => !spanIds.has(s.parentSpanId));
    expect(roots.map((r) => `${r.kind} ${r.name}`)).toEqual(['server esi.api.v1.ResourceService/CreateResource']);

    const send = childOf(spans, roots[0]!, 'api', 'send esi.config.network');
    const planned = childOf(spans, send, 'planner', 'process esi.config');
    const resultProcessed: Record<string, TraceSpan> = {};
    for (const handler of ['heat_worker', 'monitoring_worker']) {
      const worker = handler.replace('_', '-');
      const dispatch = childOf(spans, planned, 'planner', `dispatch create:${handler}`);
      expect(dispatch.attributes).toMatchObject({ 'esi.resource.type': 'network', 'esi.resource.id': ids.network });
      const work = childOf(spans, dispatch, 'planner', `send esi.work.${handler}`);
      const run = childOf(spans, work, worker, `process esi.work.${handler}`);
      const result = childOf(spans, run, worker, `send esi.result.${handler}`);
      childOf(spans, result, 'planner', 'process esi.result');
      resultProcessed[handler] = childOf(spans, result, 'state-aggregator', 'process esi.result');
    }
    // The monitoring job waited for the heat job: its dispatch links to the release.
    const monitoringDispatch = only(spans, (s) => s.name === 'dispatch create:monitoring_worker', 'monitoring dispatch');
    const heatResult = only(spans, (s) => s.name === 'send esi.result.heat_worker', 'heat result');
    const released = only(spans, (s) => s.parentSpanId === heatResult.spanId && s.service === 'planner', 'planner handling the heat result');
    expect(monitoringDispatch.links).toEqual([{ traceId: released.traceId, spanId: released.spanId }]);
    // The last job's result becomes the state.
    childOf(spans, resultProcessed.monitoring_worker!, 'state-aggregator', 'send esi.state.network');
  });

  it('spans follow the messaging conventions: every consumer span hangs under the producer of its message', async () => {
    const spans = await traceOf('network', ids.network);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const s of spans.filter((x) => x.kind === 'producer')) {
      expect(s.name).toMatch(/^send esi\.[a-z_]+\.[a-z_-]+$/);
      expect(s.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.operation.type': 'send', 'messaging.operation.name': 'send' });
      expect(String(s.attributes['messaging.destination.name'])).toMatch(/^esi\./);
      expect(s.attributes['messaging.message.id']).toBeTruthy();
    }
    const consumers = spans.filter((x) => x.kind === 'consumer');
    expect(consumers.length).toBeGreaterThanOrEqual(6);
    for (const s of consumers) {
      const parent = byId.get(s.parentSpanId);
      expect(parent?.kind, `${s.service} ${s.name}`).toBe('producer');
      expect(s.attributes['messaging.destination.name']).toBe(parent!.attributes['messaging.destination.name']);
      expect(s.attributes['messaging.message.id']).toBe(parent!.attributes['messaging.message.id']);
      expect(s.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.operation.type': 'process', 'esi.messaging.outcome': 'ack' });
      expect(s.attributes['messaging.destination.subscription.name']).toBeTruthy();
    }
  });

  it('a job that waited for another resource’s job links to the span that released it', async () => {
    const spans = await traceOf('ese_logical_port', ids.logicalPort);
    const dispatch = only(spans, (s) => s.name === 'dispatch create:heat_worker', 'logical port heat dispatch');
    expect(dispatch.links).toHaveLength(1);
    const all = await readSpanFile(receiver.file);
    const releaser = all.find((s) => s.spanId === dispatch.links[0]!.spanId);
    expect(releaser).toMatchObject({ service: 'planner', name: 'process esi.result', kind: 'consumer' });
    expect(releaser!.traceId).not.toBe(dispatch.traceId);
    // Released by the end of the physical port's workflow (its last job's result).
    expect(String(releaser!.attributes['messaging.destination.name'])).toMatch(new RegExp(`^esi\\.result\\.[a-z_]+\\.ese_physical_port\\.${ids.physicalPort}$`));
    expect(releaser!.traceId).toBe(latestChangeTrace(all, 'ese_physical_port', ids.physicalPort));
  });

  it('the planner records the trace id with each job and with the workflow', async () => {
    const traceId = (await traceOf('network', ids.network))[0]!.traceId;
    const workflow = JSON.parse((await etcd.get(`/esi-planner/workflows/networks/${ids.network}`).string())!) as { trace_id?: string; jobs: string[] };
    expect(workflow.trace_id).toBe(traceId);
    expect(workflow.jobs).toHaveLength(2);
    for (const job of workflow.jobs) {
      const metas = recorder.puts((k) => k === `/esi-planner/jobs/${job}`).map((e) => JSON.parse(e.value) as { trace_id?: string; trace: Record<string, string> });
      expect(metas.length, job).toBeGreaterThan(0);
      for (const meta of metas) {
        expect(meta.trace_id).toBe(traceId);
        expect(meta.trace.traceparent).toContain(traceId);
      }
    }
    const skipped = JSON.parse((await etcd.get(`/esi-planner/workflows/ports/${ids.dhcpPort}`).string())!) as { trace_id?: string };
    expect(skipped.trace_id).toBe((await traceOf('port', ids.dhcpPort))[0]!.traceId);
  });

  it('esictl trace prints the latest change as a tree with timings', async () => {
    const out: string[] = [];
    expect(await printResourceTrace({ type: 'network', id: ids.network, spanFile: receiver.file, out: (t) => out.push(t) })).toBe(0);
    const traceId = (await traceOf('network', ids.network))[0]!.traceId;
    expect(out[0]).toBe(`network ${ids.network}: latest change`);
    expect(out[1]).toMatch(new RegExp(`^trace ${traceId} · \\d+ spans · 5 services \\(`));
    expect(out[3]).toMatch(/^\+0\.0ms +\d[\d.]*(ms|s) +api +esi\.api\.v1\.ResourceService\/CreateResource$/);
    expect(out.some((l) => /state-aggregator +.*└─ send esi\.state\.network$/.test(l))).toBe(true);
    // The same through esictl, which asks the api first and reads the stack's span file.
    const cli: string[] = [];
    const io = { out: (t: string) => void cli.push(t), err: (t: string) => void cli.push(`ERR ${t}`), tty: false, readStdin: async () => '', readFile: () => '', onInterrupt: () => () => undefined };
    expect(await esictl(['--addr', stack.apiAddr, 'trace', 'network', ids.network, '--spans', receiver.file], io)).toBe(0);
    expect(cli.slice(0, 2)).toEqual(out.slice(0, 2));
    const lp: string[] = [];
    await printResourceTrace({ type: 'ese_logical_port', id: ids.logicalPort, spanFile: receiver.file, out: (t) => lp.push(t) });
    expect(lp.join('\n')).toMatch(new RegExp(`└─ dispatch create:heat_worker .* released by planner "process esi\\.result" \\(esi\\.result\\.[a-z_]+\\.ese_physical_port\\.${ids.physicalPort}\\) of trace [0-9a-f]{32}`));
  });
});

// ---------------------------------------------------------------- metrics

async function scrapeAll(): Promise<Map<string, Scrape>> {
  const out = new Map<string, Scrape>();
  for (const [name, svc] of stack.services) {
    expect(svc.metricsUrl, `${name} serves metrics`).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(svc.metricsUrl!);
    expect(res.status).toBe(200);
    out.set(name, parsePromText(await res.text()));
  }
  return out;
}

function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Every message of a stream, decoded by subject. */
async function streamMessages(stream: string): Promise<{ subject: string; data: Uint8Array }[]> {
  const info = await jsm.streams.info(stream);
  const out: { subject: string; data: Uint8Array }[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (m) out.push({ subject: m.subject, data: m.data });
  }
  return out;
}

describe('metrics', () => {
  it('each service serves its metrics, and the counts match what the streams say happened', async () => {
    const scrapes = await scrapeAll();
    const all = [...scrapes.values()].flatMap((s) => s.samples);
    for (const [name, scrape] of scrapes) {
      expect(scrape.samples.every((s) => s.labels.service === name), `${name} labels its series`).toBe(true);
    }
    const of = (svc: string): Sample[] => scrapes.get(svc)!.samples;

    // Jobs: what the workers counted is what they published on ESI_RESULTS …
    const results = (await streamMessages(STREAMS.results.name)).filter((m) => m.subject.startsWith('esi.result.')).map((m) => events.JobResult.decode(m.data));
    const outcome = (r: events.JobResult): string => (r.outcome === events.JobOutcome.JOB_OUTCOME_FAILED ? 'failed' : 'succeeded');
    for (const handler of ['heat_worker', 'monitoring_worker']) {
      for (const o of ['succeeded', 'failed']) {
        const inStream = results.filter((r) => r.job!.handler === handler && outcome(r) === o).length;
        expect(total(all, 'esi_jobs_total', { handler, outcome: o }), `${handler} ${o}`).toBe(inStream);
        expect(total(all, 'esi_job_duration_seconds_count', { handler, outcome: o })).toBe(inStream);
      }
      // … and every job the planner sent was finished once.
      expect(total(of('planner'), 'esi_messages_published_total', { subject: `esi.work.${handler}`, outcome: 'stored' })).toBe(
        total(all, 'esi_jobs_total', { handler }),
      );
    }
    expect(total(all, 'esi_jobs_total', { handler: 'heat_worker', outcome: 'failed' }), 'the logical port’s heat job').toBe(1);
    expect(total(all, 'esi_jobs_total', { handler: 'heat_worker', outcome: 'succeeded' })).toBeGreaterThanOrEqual(3);

    // Consumers: each acknowledged every message of its subjects once; one parked.
    const config = await streamMessages(STREAMS.config.name);
    const resultsAll = await streamMessages(STREAMS.results.name);
    const handled = (svc: string, consumer: string, o: string): number => total(of(svc), 'esi_messages_handled_total', { consumer, outcome: o });
    expect(handled('planner', 'planner_config', 'ack')).toBe(config.length);
    expect(handled('planner', 'planner_results', 'ack')).toBe(results.length);
    expect(handled('state-aggregator', 'state_aggregator_results', 'ack')).toBe(results.length);
    expect(handled('state-aggregator', 'state_aggregator_skipped', 'ack')).toBe(resultsAll.filter((m) => m.subject.startsWith('esi.skipped.')).length);
    expect(handled('heat-worker', 'heat_worker', 'parked')).toBe(1);
    expect(total(all, 'esi_messages_handled_total', { outcome: 'parked' })).toBe(1);
    expect(total(of('heat-worker'), 'esi_messages_published_total', { subject: 'esi.dead.heat-worker', outcome: 'stored' })).toBe(1);
    const dead = await streamMessages(STREAMS.dead.name);
    expect(dead.map((m) => m.subject)).toEqual(['esi.dead.heat-worker.esi.work.heat_worker']);
    // A retry is given back once and delivered again once.
    expect(total(all, 'esi_messages_handled_total', { outcome: 'retry' })).toBe(total(all, 'esi_message_redeliveries_total'));
    // Nothing is left waiting.
    expect(all.filter((s) => s.name === 'esi_consumer_backlog_messages' && s.value !== 0)).toEqual([]);
    const watched = new Set(all.filter((s) => s.name === 'esi_consumer_backlog_messages').map((s) => s.labels.consumer));
    for (const c of ['planner_config', 'planner_results', 'heat_worker', 'monitoring_worker', 'state_aggregator_results', 'state_aggregator_skipped']) {
      expect(watched.has(c), `backlog of ${c}`).toBe(true);
    }

    // Changes: one observation per final /state the aggregator announced.
    const states = (await streamMessages(STREAMS.state.name)).filter((m) => m.subject.startsWith('esi.state.')).map((m) => events.StateChanged.decode(m.data));
    for (const ws of new Set(states.map((s) => s.workerState))) {
      expect(total(of('state-aggregator'), 'esi_change_duration_seconds_count', { worker_state: ws }), ws).toBe(states.filter((s) => s.workerState === ws).length);
    }
    expect(total(of('state-aggregator'), 'esi_change_duration_seconds_count')).toBe(states.length);
    expect(total(of('state-aggregator'), 'esi_change_duration_seconds_count', { worker_state: 'CREATE_FAILED', resource_type: 'ese_logical_port' })).toBe(1);
    expect(total(of('state-aggregator'), 'esi_change_duration_seconds_count', { worker_state: 'READ_COMPLETE', resource_type: 'port' })).toBe(1);
    // A change takes longer than its slowest stack (400 ms simulated).
    const slowest = total(of('state-aggregator'), 'esi_change_duration_seconds_bucket', { resource_type: 'network', le: '0.25' });
    expect(slowest).toBe(0);
  });

  it('every query of the provisioned dashboard uses series and labels the services export', async () => {
    const scrapes = await scrapeAll();
    const exported = new Set<string>();
    for (const s of scrapes.values()) for (const n of seriesNames(s)) exported.add(n);
    const labelsOf = new Map<string, Set<string>>();
    for (const s of [...scrapes.values()].flatMap((x) => x.samples)) {
      const set = labelsOf.get(s.name) ?? new Set<string>();
      for (const l of Object.keys(s.labels)) set.add(l);
      labelsOf.set(s.name, set);
    }
    const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/dashboards/esi-job-flow.json'), 'utf8')) as {
      panels: { title: string; type: string; targets?: { expr: string }[] }[];
    };
    const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(queries.length).toBeGreaterThan(15);
    for (const title of ['Jobs per second by handler and outcome', 'Job latency percentiles (dispatch → result)', 'Queue depth per stream', 'Retries per second by consumer', 'Parked messages by consumer', 'Time from change to final state']) {
      expect(dashboard.panels.map((p) => p.title)).toContain(title);
    }
    for (const q of queries) {
      const used = seriesUsedBy(q.expr);
      expect(used.metrics.length, `${q.panel}: ${q.expr}`).toBeGreaterThan(0);
      for (const m of used.metrics) expect(exported.has(m), `${q.panel}: ${m} is exported`).toBe(true);
      const available = new Set(used.metrics.flatMap((m) => [...(labelsOf.get(m) ?? [])]));
      if (available.size === 0) continue;
      for (const l of used.labels) expect(available.has(l), `${q.panel}: label ${l} on ${used.metrics.join(', ')}`).toBe(true);
    }
  });
});

// ---------------------------------------------------------------- logs

describe('logs', () => {
  it('lines written while handling a message or a request carry trace_id and span_id', () => {
    const handling: Record<string, string[]> = {
      api: ['request rejected'],
      planner: ['workflow planned', 'job dispatched'],
      'heat-worker': ['stack step chosen', 'message parked in the dead-letter stream'],
      'monitoring-worker': ['monitoring registered'],
      'state-aggregator': ['state written'],
    };
    for (const [service, messages] of Object.entries(handling)) {
      const lines = readFileSync(join(stack.dataDir, 'logs', `${service}.log`), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const msg of messages) {
        const found = lines.filter((l) => l.msg === msg);
        expect(found.length, `${service}: "${msg}"`).toBeGreaterThan(0);
        for (const l of found) {
          expect(l.trace_id, `${service}: "${msg}"`).toMatch(/^[0-9a-f]{32}$/);
          expect(l.span_id, `${service}: "${msg}"`).toMatch(/^[0-9a-f]{16}$/);
          expect(l.service).toBe(service);
        }
      }
    }
  });
});
