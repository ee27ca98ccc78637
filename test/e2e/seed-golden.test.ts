/**
 * The golden test: the example build runs through gRPC on a real stack (nats-server,
 * etcd, five service processes), and every ese_logical_port passes the seed document's
 * seven checkpoints, in the seed's order, compared as parsed JSON with ids swapped for
 * ours, job suffixes and backend-made values masked.
 */
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExampleBuild } from '@esi/catalog';
import { resourceClient, submitBuild, type SubmittedResource } from '@esi/client';
import { startStack, type Stack } from '@esi/local-stack';
import { EtcdRecorder, type RecordedEvent } from '../support/etcd-recorder.js';
import { mask, parseStateMembers, sortParams, substitute, type Substitutions } from '@esi/replay';
import { readSeedCheckpoints, type SeedEntry } from '../support/seed-document.js';
import { startOtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { waitFor } from '../support/wait.js';

const seed = readSeedCheckpoints();
let stack: Stack;
let etcd: Etcd3;
let recorder: EtcdRecorder;
let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
let submitted: SubmittedResource[];

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  stack = await startStack({ env: { ESI_POLL_INTERVAL_MS: '300', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, LOG_LEVEL: 'info' } });
  etcd = new Etcd3({ hosts: stack.etcdEndpoints });
  recorder = new EtcdRecorder(etcd);
  await recorder.start('/');
  // Like the recorded client: each request settles before the next, except that the
  // gw_interface, its ports and logical ports form one request (Gohan wrote them together).
  const oneRequest = new Set(['gw_interface', 'port', 'ese_logical_port']);
  submitted = await submitBuild(resourceClient(stack.apiAddr), loadExampleBuild('internet-gateway'), undefined, async (r) => {
    if (oneRequest.has(r.type)) return;
    await waitFor(`${r.type} ${r.ref} settled`, async () => {
      const states = await etcd.getAll().prefix('/state/').keys();
      return states.some((k) => k.endsWith(`/${r.id}`)) ? true : undefined;
    });
  });
  const lps = submitted.filter((r) => r.type === 'ese_logical_port');
  await waitFor(
    'every ese_logical_port monitored UP',
    async () => {
      for (const lp of lps) {
        const v = await etcd.get(`/monitoring/v2.0/ese_logical_ports/${lp.id}`).json();
        if (!v || (v as Record<string, unknown>).logical_port !== 'UP') return undefined;
      }
      return true;
    },
    90_000,
  );
}, 150_000);

afterAll(async () => {
  await recorder?.stop();
  etcd?.close();
  await stack?.stop();
  await otlp?.close();
});

function body(r: SubmittedResource | undefined): Record<string, unknown> {
  if (!r) throw new Error('resource missing from the example build');
  return r.body;
}

/** The seed's ids and example values, each swapped for the value our build used. */
function substitutionsFor(lp: SubmittedResource): Substitutions {
  const seedBody = (seed.get(1)![0]!.value as { body: Record<string, unknown> }).body;
  const ours = lp.body;
  const subs: Substitutions = new Map();
  for (const f of ['id', 'ese_physical_port_id', 'network_id', 'gw_interface_id', 'tenant_id', 'name', 'vlan_id'] as const) {
    subs.set(seedBody[f] as string | number, ours[f] as string | number);
  }
  subs.set((seedBody.port_ids as string[])[0]!, (ours.port_ids as string[])[0]!);
  const physical = submitted.find((r) => r.id === ours.ese_physical_port_id);
  const device = submitted.find((r) => r.id === body(physical).ese_device_id);
  const seedMonJob = (seed.get(2)![1]!.value as [string, { params: { param: string; value: unknown; resources: { resource_type: string; resource_id: string }[] }[] }])[1];
  const seedDeviceIp = seedMonJob.params.find((p) => p.param === 'device_ip')!;
  subs.set(seedDeviceIp.value as string, body(device).management_ip_address as string);
  subs.set(seedDeviceIp.resources.find((r) => r.resource_type === 'ese_device')!.resource_id, body(device).id as string);
  return subs;
}

function expectedFor(entry: SeedEntry, subs: Substitutions): { key: string; value: unknown } {
  return { key: String(substitute(entry.key, subs)), value: substitute(entry.value, subs) };
}

function firstPut(events: RecordedEvent[], key: string, matches: (v: unknown) => boolean): RecordedEvent {
  const hit = events.find((e) => e.type === 'put' && e.key === key && matches(JSON.parse(e.value)));
  if (!hit) throw new Error(`no put of ${key} matching the checkpoint`);
  return hit;
}

describe('seed: Create Gw Interface, every ese_logical_port', () => {
  it('the example build has ese_logical_ports to check', () => {
    expect(submitted.filter((r) => r.type === 'ese_logical_port').length).toBeGreaterThanOrEqual(2);
  });

  it('passes the seven checkpoints in order, with the seed values', () => {
    const lps = submitted.filter((r) => r.type === 'ese_logical_port');
    for (const lp of lps) {
      const subs = substitutionsFor(lp);
      const revisions: number[] = [];

      // (1) /config: the envelope with the body as a JSON string.
      const c1 = expectedFor(seed.get(1)![0]!, subs);
      const e1 = firstPut(recorder.events, c1.key, () => true);
      const got1 = JSON.parse(e1.value) as { body: string };
      expect({ ...got1, body: JSON.parse(got1.body) }, `(1) ${lp.ref}`).toEqual(c1.value);
      revisions.push(e1.revision);

      // (2) the two jobs, exactly, but for their random suffixes.
      for (const entry of seed.get(2)!) {
        const c2 = expectedFor(entry, subs);
        const jobPuts = recorder.events.filter((e) => e.type === 'put' && mask(e.key.slice('/jobs/all/'.length)) === mask(c2.key.slice('/jobs/all/'.length)));
        expect(jobPuts, `(2) ${c2.key}`).toHaveLength(1);
        const [handler, job, zero] = JSON.parse(jobPuts[0]!.value) as [string, Record<string, unknown>, number];
        const [eh, ejob, ezero] = c2.value as [string, Record<string, unknown>, number];
        expect([handler, zero]).toEqual([eh, ezero]);
        expect(mask(sortParams(job)), `(2) ${lp.ref} ${handler}`).toEqual(mask(sortParams(ejob)));
        revisions.push(jobPuts[0]!.revision);
      }

      // (3) the stack record; (4) and (5) job_state; (6) /state; (7) /monitoring.
      const c3 = expectedFor(seed.get(3)![0]!, subs);
      const e3 = firstPut(recorder.events, c3.key, () => true);
      expect(mask(JSON.parse(e3.value)), `(3) ${lp.ref}`).toEqual(mask(c3.value));
      revisions.push(e3.revision);

      for (const n of [4, 5] as const) {
        const c = expectedFor(seed.get(n)![0]!, subs);
        const e = firstPut(recorder.events, c.key, (v) => Object.keys(v as object).sort().join() === Object.keys(c.value as object).sort().join());
        expect(mask(JSON.parse(e.value)), `(${n}) ${lp.ref}`).toEqual(mask(c.value));
        revisions.push(e.revision);
      }

      const c6 = expectedFor(seed.get(6)![0]!, subs);
      const e6 = firstPut(recorder.events, c6.key, () => true);
      expect(mask(parseStateMembers(JSON.parse(e6.value))), `(6) ${lp.ref}`).toEqual(mask(parseStateMembers(c6.value)));
      revisions.push(e6.revision);

      const c7 = expectedFor(seed.get(7)![0]!, subs);
      const e7 = firstPut(recorder.events, c7.key, (v) => (v as Record<string, unknown>).logical_port === 'UP');
      expect(JSON.parse(e7.value), `(7) ${lp.ref}`).toEqual(c7.value);
      revisions.push(e7.revision);

      expect(revisions, `checkpoint order of ${lp.ref}`).toEqual([...revisions].sort((a, b) => a - b));
    }
  });

  it('every other resource of the build settles with a final worker_state', async () => {
    const states = await etcd.getAll().prefix('/state/').strings();
    const settled = new Set(Object.keys(states).map((k) => k.split('/').pop()));
    const unsettled = submitted.filter((r) => !settled.has(r.id)).map((r) => `${r.type}:${r.ref}`);
    expect(unsettled).toEqual([]);
    for (const raw of Object.values(states)) {
      const ws = (JSON.parse(raw) as { state: { worker_state: string } }).state.worker_state;
      expect(['CREATE_COMPLETED', 'READ_COMPLETE']).toContain(ws);
    }
  });
});

describe('one trace per change', () => {
  it('the create of an ese_logical_port yields one trace with spans from all five services', async () => {
    const lp = submitted.find((r) => r.type === 'ese_logical_port')!;
    const spansOf = (): ReceivedSpan[] => {
      const root = otlp.spans.find((s) => s.name.endsWith('/CreateResource') && s.attributes['esi.resource.id'] === lp.id);
      return root ? otlp.spans.filter((s) => s.traceId === root.traceId) : [];
    };
    const spans = await waitFor(
      'spans of all five services',
      async () => {
        const s = spansOf();
        // Each service exports in its own batches: wait until every parent has arrived too.
        const known = new Set(s.map((x) => x.spanId));
        const orphans = s.filter((x) => x.parentSpanId && !known.has(x.parentSpanId));
        return new Set(s.map((x) => x.service)).size === 5 && orphans.length === 0 ? s : undefined;
      },
      20_000,
    );
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['api', 'planner', 'heat-worker', 'monitoring-worker', 'state-aggregator']));
    const ids = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
    expect(roots.map((r) => r.name), 'one root: the gRPC call').toEqual(['esi.api.v1.ResourceService/CreateResource']);
    const byService = (svc: string): ReceivedSpan[] => spans.filter((s) => s.service === svc);
    // Each consumer span hangs under a producer span of the service upstream of it.
    for (const svc of ['planner', 'heat-worker', 'monitoring-worker', 'state-aggregator']) {
      const consumers = byService(svc).filter((s) => s.kind === 5);
      expect(consumers.length, `${svc} consumer spans`).toBeGreaterThan(0);
      for (const c of consumers) {
        const parent = spans.find((s) => s.spanId === c.parentSpanId);
        expect(parent?.kind, `${svc} ${c.name} parent is a producer`).toBe(4);
      }
    }
  });
});
