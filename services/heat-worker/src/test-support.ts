// Helpers for this service's integration tests only (never imported by main.ts): real
// nats-server and etcd from @esi/local-stack, a Heat-compatible server, job builders.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { SLICES, events, heatEngineStackKey, heatStackKey, templateKey, type HeatStackValue } from '@esi/contracts';
import { pluralOf, loadResourceTypes } from '@esi/catalog';
import { HeatClient, KeystoneSession, startHeatTestServer, type HeatTestServer, type HeatTestServerOptions, type OperationResult, type StackOperationInfo } from '@esi/heat-client';
import { startEtcd, startNats, type RunningServer } from '@esi/test-servers';
import { connectMessaging, ensureStreams, prefixedSubject, Publisher, type Messaging, type RunningConsumer } from '@esi/messaging';
import { InMemoryStackStore, parseTemplate, resolveParameters, StackEngine, type ResourceProvider, type StoredStack } from '@esi/stack-engine';
import { OwnedStore } from '@esi/store';
import { createLogger } from '@esi/telemetry';
import { EmbeddedDriver } from './embedded-driver.js';
import { EtcdStackStore, engineOverEtcd } from './etcd-stack-store.js';
import { OpenStackDriver, type OpenStackDriverOptions } from './openstack-driver.js';
import type { StackCall, StackDriver } from './stack-driver.js';
import { startHeatWorker } from './start-heat-worker.js';

export const log = createLogger('heat-worker', 'silent');
const tracer = trace.getTracer('heat-worker-test');

/** A template with a jinja loop, typed parameters (one required) and outputs. */
export const PORT_TEMPLATE = `heat_template_version: 2015-04-30
description: {{ jinja_label }}
parameters:
  name: { type: string }
  vlan_id:
    type: number
    constraints:
      - range: { min: 1, max: 4094 }
  tenant_id: { type: string, default: '' }
resources:
  port:
    type: ESI::Test::Port
    properties:
      name: { get_param: name }
      vlan: { get_param: vlan_id }
{% for ip in jinja_ips %}
  ip_{{ loop.index0 }}:
    type: ESI::Test::Ip
    properties:
      address: {{ ip }}
      port: { get_resource: port }
{% endfor %}
outputs:
  id:
    description: The port
    value: { get_resource: port }
  name:
    description: Its name
    value: { get_param: name }
`;

export const RESOURCE_TYPE = 'ese_logical_port';

export interface Infra {
  readonly m: Messaging;
  readonly natsUrl: string;
  readonly etcdUrl: string;
  /** Plays the api: writes templates under /config. */
  readonly api: OwnedStore;
  /** The heat-worker's own store. */
  readonly store: OwnedStore;
  stop(): Promise<void>;
}

export async function startInfra(): Promise<Infra> {
  loadResourceTypes();
  const dir = mkdtempSync(join(tmpdir(), 'esi-heat-worker-'));
  const servers: RunningServer[] = [];
  servers.push(await startNats(dir));
  servers.push(await startEtcd(dir));
  const m = await connectMessaging([servers[0]!.url], 'heat-worker-test');
  const api = new OwnedStore([servers[1]!.url], 'api');
  const store = new OwnedStore([servers[1]!.url], 'heat-worker');
  return {
    m,
    natsUrl: servers[0]!.url,
    etcdUrl: servers[1]!.url,
    api,
    store,
    async stop() {
      await m.nc.close();
      api.close();
      store.close();
      for (const s of servers.reverse()) await s.stop();
    },
  };
}

let lanes = 0;

/** One isolated set of streams (by prefix) with its workers and a view of the results. */
export interface Lane {
  readonly prefix: string;
  readonly results: events.JobResult[];
  /** Publishes as the heat-worker does (for calling runHeatJob directly). */
  readonly publisher: Publisher;
  publish(d: events.JobDispatched): Promise<void>;
  startWorker(driver: StackDriver, options?: { concurrency?: number; maxAttempts?: number }): Promise<RunningConsumer>;
  /** Waits until `count` results for `jobId` arrived; returns them. */
  resultsFor(jobId: string, count?: number, timeoutMs?: number): Promise<events.JobResult[]>;
  stop(): Promise<void>;
}

export async function openLane(infra: Infra): Promise<Lane> {
  lanes += 1;
  const prefix = `HW${lanes}_`;
  await ensureStreams(infra.m.jsm, prefix);
  const results: events.JobResult[] = [];
  // A plain subscription sees every result published, also the copies JetStream drops
  // as duplicates, so a test can tell that a repeated delivery reported too.
  const sub = infra.m.nc.subscribe(prefixedSubject('esi.result.heat_worker.>', prefix), {
    callback: (_err, msg) => void results.push(events.JobResult.decode(msg.data)),
  });
  await infra.m.nc.flush();
  const workers: RunningConsumer[] = [];
  const publisher = new Publisher(infra.m.js, 'heat-worker', tracer, prefix);
  return {
    prefix,
    results,
    publisher,
    async publish(d) {
      // No Nats-Msg-Id: publishing the same job twice really delivers it twice.
      await infra.m.js.publish(prefixedSubject('esi.work.heat_worker', prefix), events.JobDispatched.encode(d).finish());
    },
    async startWorker(driver, options = {}) {
      const worker = await startHeatWorker({
        messaging: infra.m,
        store: infra.store,
        publisher,
        log,
        tracer,
        prefix,
        driver,
        concurrency: options.concurrency ?? 4,
        maxAttempts: options.maxAttempts ?? 3,
        // The service's default (ESI_HEAT_ACK_WAIT_SECONDS), so no test waits on a redelivery by accident.
        ackWaitSeconds: 120,
        pluralOf,
      });
      workers.push(worker);
      return worker;
    },
    async resultsFor(jobId, count = 1, timeoutMs = 15_000) {
      await waitFor(() => results.filter((r) => r.job?.id === jobId).length >= count, timeoutMs, `${count} result(s) for ${jobId}`);
      return results.filter((r) => r.job?.id === jobId);
    },
    async stop() {
      for (const w of workers) await w.stop();
      sub.unsubscribe();
    },
  };
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function putTemplate(infra: Infra, templateFile: string = PORT_TEMPLATE): Promise<string> {
  const id = `t_${randomUUID().slice(0, 8)}`;
  const body = JSON.stringify({ handler: 'heat_worker', id, parameter_mappings: {}, template_file: templateFile, watch: [] });
  await infra.api.putJson(templateKey(id), { body, marked_for_deletion: false, version: 1 });
  return id;
}

export interface JobSpec {
  action: 'create' | 'modify' | 'delete';
  resourceId: string;
  templateId: string;
  version?: number;
  params?: Record<string, unknown>;
}

export function jobDispatched(spec: JobSpec): events.JobDispatched {
  const version = spec.version ?? 1;
  const params = spec.params ?? {};
  return {
    // No revision: the worker reads the template, as for a job planned before revisions were sent.
    templateRevision: '',
    job: {
      id: `${spec.action}:heat_worker:${RESOURCE_TYPE}:${spec.resourceId}:${version}:${randomUUID().slice(0, 5)}`,
      action: spec.action,
      handler: 'heat_worker',
      resourceType: RESOURCE_TYPE,
      resourceId: spec.resourceId,
      version,
      jobName: 'heat',
      isFirst: true,
      isLast: false,
      onFailure: 'fail',
      dependency: [],
      params: Object.entries(params).map(([param, value]) => ({ param, type: 'value', value, resources: [] })),
      resourceInput: { tenant_id: 'tenant-1', id: spec.resourceId },
    },
    templateId: spec.templateId,
    resolvedParams: {},
    attempt: 1,
    dispatchedAtMs: Date.now(),
    resolutionError: '',
  };
}

export const goodParams = (over: Record<string, unknown> = {}) => ({
  jinja_label: 'a test port',
  jinja_ips: ['10.0.0.1', '10.0.0.2'],
  name: 'blue',
  vlan_id: 1025,
  tenant_id: 'tenant-1',
  heat_timeout: 6,
  ...over,
});

export const stackName = (resourceId: string): string => `${RESOURCE_TYPE}_${resourceId}`;

export async function heatStackRecord(infra: Infra, resourceId: string): Promise<HeatStackValue | undefined> {
  return (await infra.store.read(heatStackKey(pluralOf(RESOURCE_TYPE), resourceId), SLICES.heatStacks.parse))?.value;
}

export async function engineStack(infra: Infra, resourceId: string): Promise<StoredStack | undefined> {
  return (await infra.store.getJson<StoredStack>(heatEngineStackKey(stackName(resourceId))))?.value;
}

/**
 * An engine holding claims back to the job's commit as engineOverEtcd builds it, with
 * providers of the test's own standing in for the simulated ones (they act only in-process).
 */
export function claimsAtCommitEngine(infra: Infra, providers: readonly ResourceProvider[]): StackEngine {
  const stacks: EtcdStackStore = new EtcdStackStore(infra.store, { discard: (stack) => engine.discardUnstored(stack) });
  const engine: StackEngine = new StackEngine({ store: stacks, providers });
  return engine;
}

/** The embedded driver; without an engine given, the engine as the heat-worker builds it. */
export function embeddedDriver(infra: Infra, engine?: StackEngine): EmbeddedDriver {
  return new EmbeddedDriver(engine ?? engineOverEtcd(infra.store));
}

export function openstackDriver(server: HeatTestServer, options: OpenStackDriverOptions = {}): OpenStackDriver {
  const retry = { attempts: 3, baseMs: 5, maxMs: 20 };
  const session = new KeystoneSession(server.credentials, { requestTimeoutMs: 5_000 });
  const client = new HeatClient(session, { retry, requestTimeoutMs: 5_000 });
  return new OpenStackDriver(client, { pollMs: 10, pollMaxMs: 40, graceMs: 0, ...options });
}

/**
 * A Heat-compatible server that really evaluates the stacks, with the embedded engine
 * behind it: validation errors come back as Heat's 400s and outputs are computed.
 * `hook` may override how an operation ends (fail it, hold it).
 */
export function engineBackedHeat(
  hook?: (op: StackOperationInfo) => OperationResult | undefined | Promise<OperationResult | undefined>,
): HeatTestServerOptions {
  const engine = new StackEngine({ store: new InMemoryStackStore() });
  return {
    operationDelayMs: 15,
    validate: (request) => void resolveParameters(parseTemplate(request.template).parameters, request.parameters),
    run: async (op) => {
      const overridden = await hook?.(op);
      if (overridden) return overridden;
      const request = { name: op.name, template: op.template, params: op.parameters };
      const stack =
        op.action === 'CREATE'
          ? await engine.createStack(request)
          : op.action === 'UPDATE'
            ? await engine.updateStack(request)
            : await engine.deleteStack(op.name);
      return stack.status.endsWith('_COMPLETE') ? { ok: true, outputs: stack.outputs } : { ok: false, reason: stack.reason };
    },
  };
}

/**
 * What a heat-worker test file shares: one infrastructure for the file, and the lane and
 * Heat test server a test opens (set them on the fixture), stopped after each test.
 */
export interface WorkerFixture {
  infra: Infra;
  lane?: Lane;
  heat?: HeatTestServer;
}

export function useWorkerFixture(): WorkerFixture {
  const fx = {} as WorkerFixture;
  beforeAll(async () => {
    fx.infra = await startInfra();
  });
  afterAll(async () => {
    await fx.infra?.stop();
  });
  afterEach(async () => {
    await fx.lane?.stop();
    await fx.heat?.close();
    fx.lane = undefined;
    fx.heat = undefined;
  });
  return fx;
}

/** A stack call as the worker makes one (a template without resources), with `over` applied. */
export const stackCall = (over: Partial<StackCall> = {}): StackCall => ({
  name: 'ese_logical_port_p1',
  template: 'heat_template_version: 2015-04-30\nresources: {}\n',
  parameters: {},
  timeoutMins: 5,
  tags: ['esi_job_a', 'esi_version_1'],
  ...over,
});

/**
 * A Heat test server per test, closed after it: `start` opens one (with this file's
 * defaults under the test's options) and an OpenStack driver on it; `current` is the open one.
 */
export function useHeatTestServer(defaults: HeatTestServerOptions = {}): {
  readonly current: HeatTestServer | undefined;
  start(options?: HeatTestServerOptions): Promise<{ heat: HeatTestServer; driver: StackDriver }>;
} {
  let current: HeatTestServer | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    get current() {
      return current;
    },
    async start(options = {}) {
      current = await startHeatTestServer({ ...defaults, ...options });
      return { heat: current, driver: openstackDriver(current) };
    },
  };
}
