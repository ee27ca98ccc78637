/**
 * The Prometheus series every service exports, defined in one place so the dashboard,
 * the recording edges and the tests agree on names and labels. One process runs one
 * service, so the registry is per process; service-runtime serves it over HTTP.
 *
 * Recorded at the shared edges only: the consumer (messages handled, by outcome), the
 * publisher (messages sent), publishJobResult (job outcomes) and the aggregator's final
 * state write (time from change to final state).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type OpenMetricsContentType } from 'prom-client';
import { changeAgeMs } from './change-clock.js';
import { traceExemplar } from './exemplars.js';

/**
 * An OpenMetrics registry, since only OpenMetrics carries exemplars (the trace id beside
 * a histogram bucket); exposition.ts also serves it as Prometheus text to clients that
 * ask for that.
 */
export const metricsRegistry = new Registry<OpenMetricsContentType>();
// Before any metric is made: prom-client refuses exemplars on a Prometheus-text registry.
metricsRegistry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
const registers = [metricsRegistry];

/** From a few ms (a skipped change) to minutes (a slow Heat stack). */
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export type HandleOutcome = 'ack' | 'retry' | 'parked';
export type PublishOutcome = 'stored' | 'duplicate' | 'failed';
export type JobOutcome = 'succeeded' | 'failed';

export interface ConsumerLabels {
  /** Stream name without the test prefix, e.g. ESI_WORK. */
  stream: string;
  /** Durable name without the test prefix, e.g. heat_worker. */
  consumer: string;
}

const handled = new Counter({
  name: 'esi_messages_handled_total',
  help: 'Messages a JetStream consumer finished with: ack (done), retry (nak with backoff) or parked (moved to the dead-letter stream).',
  labelNames: ['stream', 'consumer', 'outcome'] as const,
  registers,
});

const handleSeconds = new Histogram({
  name: 'esi_message_handle_duration_seconds',
  help: 'Time a consumer spent on one delivery, by outcome.',
  labelNames: ['stream', 'consumer', 'outcome'] as const,
  buckets: SECONDS,
  registers,
  enableExemplars: true,
});

const redeliveries = new Counter({
  name: 'esi_message_redeliveries_total',
  help: 'Deliveries after the first of a message (after a retry, or an ack wait that ran out).',
  labelNames: ['stream', 'consumer'] as const,
  registers,
});

const published = new Counter({
  name: 'esi_messages_published_total',
  help: 'Messages published, by subject family (the first three subject tokens) and outcome: stored, duplicate (dropped by Nats-Msg-Id) or failed.',
  labelNames: ['subject', 'outcome'] as const,
  registers,
});

const jobs = new Counter({
  name: 'esi_jobs_total',
  help: 'Jobs a worker finished, by handler, action and outcome.',
  labelNames: ['handler', 'action', 'outcome'] as const,
  registers,
});

/**
 * Why the planner planned a change again, or put it off, instead of planning it once:
 * - partition_conflict: another partition's planner stored jobs this plan had to see
 *   (partition-marks.ts); planned again once its view caught up;
 * - waits_for_partition: a resource it references is another partition's and not planned
 *   yet; its event comes back after a delay;
 * - runs_alone: it must plan a never-planned resource it references first, so it runs
 *   again once no other handler runs (planner-line.ts);
 * - dependencies_claimed: a plan beside it claimed jobs it must wait for meanwhile;
 * - stale_copy: a kept copy it planned from was stale; planned again from reads;
 * - held_dependency_dropped: a plan it waited for was dropped and planned again.
 */
export type ReplanReason = 'partition_conflict' | 'waits_for_partition' | 'runs_alone' | 'dependencies_claimed' | 'stale_copy' | 'held_dependency_dropped';

const replans = new Counter({
  name: 'esi_planner_replans_total',
  help: 'Changes the planner planned again or put off, by reason: work done twice, and with partitions how often two planners meet.',
  labelNames: ['reason'] as const,
  registers,
});

const jobSeconds = new Histogram({
  name: 'esi_job_duration_seconds',
  help: 'From the planner dispatching a job to its worker publishing the result (queueing included).',
  labelNames: ['handler', 'action', 'outcome'] as const,
  buckets: SECONDS,
  registers,
  enableExemplars: true,
});

const changeSeconds = new Histogram({
  name: 'esi_change_duration_seconds',
  help: 'From a change entering the system (its first message) to the state aggregator writing its final /state.',
  labelNames: ['resource_type', 'worker_state'] as const,
  buckets: SECONDS,
  registers,
  enableExemplars: true,
});

const etcdRequests = new Counter({
  name: 'esi_etcd_requests_total',
  help: 'Requests this service made to etcd, by operation (get, range, put, delete, txn) and key family (the collection the key is in, e.g. /config/v2.0/ports).',
  labelNames: ['op', 'family'] as const,
  registers,
});

/** A key segment naming one resource, job or stack (it holds a UUID, or is a long hex id). */
const ID_SEGMENT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|^[0-9a-f]{16,}$/i;

/** A schema version segment (`v2.0`): the segment after it names the collection. */
const VERSION_SEGMENT = /^v\d+(\.\d+)*$/;
/** Without a version segment, no family is deeper than this (/esi-monitoring/targets/ports). */
const MAX_UNVERSIONED_SEGMENTS = 3;

/**
 * The key's collection, bounded by the number of collections, not of resources: the key
 * up to its first id segment; else up to the segment after its version segment; else
 * without its last segment (a key) or as it is (a prefix, ending in `/` or `/*`); never
 * deeper than the collection after a version segment, or than MAX_UNVERSIONED_SEGMENTS
 * without one. A client may choose an id that looks like no id
 * (`p1`), so the id rule alone would let such a key, or a range read under one resource's
 * prefix (/esi-monitoring/targets/networks/<id>/), become a label of its own.
 */
function keyFamily(key: string): string {
  // A key's last segment changes its family only when it or the segment before it is a
  // version segment (the rules above cut before it otherwise), so the other families are
  // kept by the key's parent: one lookup per request, not a regular expression per segment.
  const slash = key.lastIndexOf('/');
  const last = key.slice(slash + 1);
  const parent = key.slice(0, slash);
  if (last === '' || last === '*' || VERSION_SEGMENT.test(last) || VERSION_SEGMENT.test(parent.slice(parent.lastIndexOf('/') + 1))) {
    return familyOf(key);
  }
  const kept = familiesByParent.get(parent);
  if (kept !== undefined) return kept;
  const family = familyOf(key);
  // A key that is its own family (one segment, or an id first) says nothing of its siblings.
  if (family !== key) {
    if (familiesByParent.size >= MAX_KEPT_FAMILIES) familiesByParent.clear();
    familiesByParent.set(parent, family);
  }
  return family;
}

const familiesByParent = new Map<string, string>();
const MAX_KEPT_FAMILIES = 4096;

function familyOf(key: string): string {
  const isPrefix = key.endsWith('/') || key.endsWith('/*');
  const parts = key.replace(/\/\*?$/, '').split('/').slice(1);
  const firstId = parts.findIndex((p) => ID_SEGMENT.test(p));
  const version = parts.findIndex((p) => VERSION_SEGMENT.test(p));
  let end = firstId >= 0 ? firstId : version >= 0 ? version + 2 : isPrefix ? parts.length : parts.length - 1;
  end = Math.min(end, parts.length, version >= 0 ? version + 2 : MAX_UNVERSIONED_SEGMENTS);
  return end > 0 ? `/${parts.slice(0, end).join('/')}` : key;
}

/** From a few hundred microseconds (a read) to the seconds a slow disk's fsync can take. */
const ETCD_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const etcdSeconds = new Histogram({
  name: 'esi_etcd_request_duration_seconds',
  help: 'Time of one request to etcd as this service saw it, by operation and result (ok or error).',
  labelNames: ['op', 'result'] as const,
  buckets: ETCD_SECONDS,
  registers,
  enableExemplars: true,
});

export type EtcdOp = 'get' | 'range' | 'put' | 'delete' | 'txn';

export function recordEtcdRequest(op: EtcdOp, key: string): void {
  etcdRequests.inc({ op, family: keyFamily(key) });
}

export function recordEtcdDuration(op: EtcdOp, ok: boolean, seconds: number): void {
  etcdSeconds.observe({ labels: { op, result: ok ? 'ok' : 'error' }, value: seconds, exemplarLabels: traceExemplar() });
}

/** The key without its last segment, for span attributes as for the counter's label. */
export { keyFamily };
/** keyFamily without its memory of parents, for tests that compare the two. */
export { familyOf as keyFamilyUncached };

const dependencyUp = new Gauge({
  name: 'esi_dependency_up',
  help: 'Whether this service reaches a server it needs right now (1) or not (0): nats (connection status) and etcd (a status probe). /healthz and gRPC health follow it.',
  labelNames: ['dependency'] as const,
  registers,
});

export function recordDependencyUp(dependency: 'nats' | 'etcd', up: boolean): void {
  dependencyUp.set({ dependency }, up ? 1 : 0);
}

type BacklogProbe = () => Promise<{ waiting: number; inFlight: number }>;
const probes = new Map<number, { labels: ConsumerLabels; probe: BacklogProbe }>();
let nextProbe = 0;

new Gauge({
  name: 'esi_consumer_backlog_messages',
  help: 'Messages of a stream a consumer has not finished: waiting (not delivered yet) or in_flight (delivered, not acknowledged). Read from JetStream at scrape time.',
  labelNames: ['stream', 'consumer', 'state'] as const,
  registers,
  async collect() {
    this.reset();
    await Promise.all(
      [...probes.values()].map(async ({ labels, probe }) => {
        try {
          const b = await withTimeout(probe(), 2_000);
          this.set({ ...labels, state: 'waiting' }, b.waiting);
          this.set({ ...labels, state: 'in_flight' }, b.inFlight);
        } catch {
          // A consumer NATS cannot describe right now is left out of this scrape.
        }
      }),
    );
  },
});

let initialised = false;

/**
 * How often the event-loop lag series (nodejs_eventloop_lag_*) sample the loop, ms.
 * prom-client's default, 10 ms, is a timer that wakes every service 100 times a second
 * even when it has nothing to do (0.3 % of a core each, idle). A tenth of that still
 * catches any stall worth an alert; a scrape comes every few seconds anyway.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/** Labels every series with the service and adds the Node.js process series; once per process. */
export function initMetrics(service: string): void {
  if (initialised) return;
  initialised = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
}

export function recordHandled(labels: ConsumerLabels, outcome: HandleOutcome, seconds: number): void {
  handled.inc({ ...labels, outcome });
  handleSeconds.observe({ labels: { ...labels, outcome }, value: seconds, exemplarLabels: traceExemplar() });
}

export function recordRedelivery(labels: ConsumerLabels): void {
  redeliveries.inc({ ...labels });
}

export function recordPublished(subject: string, outcome: PublishOutcome): void {
  published.inc({ subject: subjectFamily(subject), outcome });
}

export function recordReplan(reason: ReplanReason): void {
  replans.inc({ reason });
}

export function recordJobOutcome(job: { handler: string; action: string }, outcome: JobOutcome, seconds: number | undefined): void {
  jobs.inc({ handler: job.handler, action: job.action, outcome });
  // Recorded inside the job's consumer span: the exemplar leads to the job's trace.
  if (seconds !== undefined) jobSeconds.observe({ labels: { handler: job.handler, action: job.action, outcome }, value: seconds, exemplarLabels: traceExemplar() });
}

/**
 * Called where /state gets its final value; the change's start comes with the message
 * being handled (change-clock.ts). A change planned by the resync, outside any message,
 * carries no start and is not observed.
 */
export function recordChangeSettled(resourceType: string, workerState: string, ageMs: number | undefined = changeAgeMs()): void {
  if (ageMs === undefined) return;
  changeSeconds.observe({ labels: { resource_type: resourceType, worker_state: workerState }, value: ageMs / 1000, exemplarLabels: traceExemplar() });
}

/** Reports a consumer's backlog at every scrape until the returned function is called. */
export function watchConsumerBacklog(labels: ConsumerLabels, probe: BacklogProbe): () => void {
  const key = nextProbe++;
  probes.set(key, { labels, probe });
  return () => void probes.delete(key);
}

/** esi.result.heat_worker.port.<id> → esi.result.heat_worker: ids never become label values. */
export function subjectFamily(subject: string): string {
  return subject.split('.').slice(0, 3).join('.');
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    }),
  ]);
}
