/**
 * What the monitoring-worker's integration tests share: real nats-server and etcd from
 * @esi/local-stack, a publisher, a template writer, job messages and a waiter. Not a test.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SLICES, events, monitoringKey, templateKey } from '@esi/contracts';
import { startEtcd, startNats, type RunningServer, pollUntil } from '@esi/test-servers';
import { connectMessaging, ensureStreams, Publisher, type Messaging } from '@esi/messaging';
import { OwnedStore } from '@esi/store';
import { createLogger, initTracing } from '@esi/telemetry';
import { TemplateReader } from '@esi/service-runtime';
import { runMonitoringJob } from './run-monitoring-job.js';

type Subscription = ReturnType<Messaging['nc']['subscribe']>;

export interface Harness {
  store: OwnedStore;
  /** For another client of the same etcd (another replica of the worker). */
  etcdUrl: string;
  publisher: Publisher;
  messaging: Messaging;
  results: events.JobResult[];
  changes: events.MonitoringChanged[];
  /** Writes a monitoring template into /config/v2.0/heat_templates/<id>, as the api does. */
  putTemplate(id: string, templateFile: string): Promise<void>;
  /** Runs one job as the worker's consumer would and returns the result it published. */
  run(job: JobSpec): Promise<events.JobResult>;
  monitoring(plural: string, id: string): Promise<Record<string, unknown> | undefined>;
  stop(): Promise<void>;
}

export interface JobSpec {
  type: string;
  id: string;
  templateId: string;
  params?: Record<string, unknown>;
  version?: number;
  action?: string;
}

export const log = createLogger('test', 'silent');

export async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'esi-monitoring-'));
  const servers: RunningServer[] = [await startNats(dir), await startEtcd(dir)];
  const [nats, etcd] = servers as [RunningServer, RunningServer];
  const tracing = initTracing({ serviceName: 'test', otlpEndpoint: '' });
  const messaging = await connectMessaging([nats.url], 'monitoring-worker');
  await ensureStreams(messaging.jsm, '');
  const store = new OwnedStore([etcd.url], 'monitoring-worker');
  const api = new OwnedStore([etcd.url], 'api');
  const publisher = new Publisher(messaging.js, 'monitoring-worker', tracing.tracer);
  const results: events.JobResult[] = [];
  const changes: events.MonitoringChanged[] = [];
  const subs: Subscription[] = [
    collect(messaging, 'esi.result.monitoring_worker.>', (d) => results.push(events.JobResult.decode(d))),
    collect(messaging, 'esi.monitoring.>', (d) => changes.push(events.MonitoringChanged.decode(d))),
  ];
  return {
    store,
    etcdUrl: etcd.url,
    publisher,
    messaging,
    results,
    changes,
    async putTemplate(id, templateFile) {
      const body = JSON.stringify({ handler: 'monitoring_worker', id, parameter_mappings: {}, template_file: templateFile, watch: [] });
      await api.putJson(templateKey(id), { body, marked_for_deletion: false, version: 1 });
    },
    async run(spec) {
      const version = spec.version ?? 1;
      const action = spec.action ?? 'create';
      const jobId = `${action}:monitoring_worker:${spec.type}:${spec.id}:${version}:${Math.random().toString(36).slice(2, 8)}`;
      const job = events.Job.fromPartial({
        id: jobId,
        action,
        handler: 'monitoring_worker',
        resourceType: spec.type,
        resourceId: spec.id,
        version,
        isFirst: true,
        isLast: true,
        onFailure: 'fail',
        params: Object.entries(spec.params ?? {}).map(([param, value]) => ({ param, type: 'value', value })),
      });
      await runMonitoringJob(events.JobDispatched.fromPartial({ job, templateId: spec.templateId, attempt: 1 }), {
        store,
        templates: new TemplateReader(store),
        publisher,
        log,
        pluralOf: (t) => `${t}s`,
      });
      return waitFor(`result of ${jobId}`, async () => results.find((r) => r.job?.id === jobId), 5_000, 10);
    },
    async monitoring(plural, id) {
      return (await store.read(monitoringKey(plural, id), SLICES.monitoring.parse))?.value;
    },
    async stop() {
      for (const s of subs) s.unsubscribe();
      await messaging.nc.close();
      store.close();
      api.close();
      await tracing.shutdown();
      for (const s of servers.reverse()) await s.stop();
    },
  };
}

function collect(m: Messaging, subject: string, onData: (d: Uint8Array) => void): Subscription {
  return m.nc.subscribe(subject, { callback: (err, msg) => (err ? undefined : onData(msg.data)) });
}

/** pollUntil with this worker's defaults: its tests wait on one process, not a stack. */
export const waitFor = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 20): Promise<T> => pollUntil(what, fn, timeoutMs, everyMs);
