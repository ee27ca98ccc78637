// A job delivered twice never creates two stacks nor applies an update twice: the same
// JobDispatched is published twice to real NATS, with etcd and (for the OpenStack
// driver) a Heat-compatible server over HTTP.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { events } from '@esi/contracts';
import { ENGINE_MODES, startHeatTestServer, type EngineMode, type HeatTestServer, type HeatTestServerOptions } from '@esi/heat-client';
import { pluralOf } from '@esi/catalog';
import { StackEngine, type ResourceProvider } from '@esi/stack-engine';
import { EtcdStackStore } from './etcd-stack-store.js';
import { KeyedLock } from '@esi/keyed-lock';
import { TemplateReader } from '@esi/service-runtime';
import { runHeatJob } from './run-heat-job.js';
import {
  claimsAtCommitEngine,
  embeddedDriver,
  engineBackedHeat,
  engineStack,
  goodParams,
  heatStackRecord,
  jobDispatched,
  log,
  openLane,
  openstackDriver,
  putTemplate,
  stackName,
  useWorkerFixture,
  type Lane,
} from './test-support.js';

const fx = useWorkerFixture();

const SUCCEEDED = events.JobOutcome.JOB_OUTCOME_SUCCEEDED;

/** Publish the same message twice, the second after the first has been handled. */
async function deliverTwice(l: Lane, d: events.JobDispatched): Promise<events.JobResult[]> {
  await l.publish(d);
  await l.resultsFor(d.job!.id, 1);
  await l.publish(d);
  return l.resultsFor(d.job!.id, 2);
}

describe('embedded driver: a repeated delivery', () => {
  it('creates once, updates once and deletes once', async () => {
    fx.lane = await openLane(fx.infra);
    await fx.lane.startWorker(embeddedDriver(fx.infra));
    const templateId = await putTemplate(fx.infra);
    const id = randomUUID();

    const create = jobDispatched({ action: 'create', resourceId: id, templateId, params: goodParams() });
    await fx.lane.publish(create);
    const [first] = await fx.lane.resultsFor(create.job!.id);
    const afterCreate = await engineStack(fx.infra, id);
    await fx.lane.publish(create);
    const results = await fx.lane.resultsFor(create.job!.id, 2);
    expect(results.map((r) => r.outcome)).toEqual([SUCCEEDED, SUCCEEDED]);
    expect(results[1]!.result).toEqual(first!.result);
    // Nothing was written again: the second delivery only reported.
    expect(await engineStack(fx.infra, id)).toEqual(afterCreate);
    expect(afterCreate).toMatchObject({ status: 'CREATE_COMPLETE', timeoutMins: 6 });
    expect(afterCreate!.resources.map((r) => r.name)).toEqual(['port', 'ip_0', 'ip_1']);
    const outputs = first!.result!.heat_outputs as { output_key: string; output_value: unknown }[];
    expect(outputs.map((o) => o.output_key)).toEqual(['id', 'name']);
    expect(await heatStackRecord(fx.infra, id)).toEqual({
      stack_id: stackName(id),
      tenant_id: 'tenant-1',
      stack_status: 'CREATE_COMPLETE',
      output: outputs,
      status_reason: 'Stack CREATE completed successfully',
      id: `ese_logical_port:${id}`,
    });

    const modify = jobDispatched({ action: 'modify', resourceId: id, templateId, version: 2, params: goodParams({ name: 'green', jinja_ips: ['10.0.0.1'] }) });
    await fx.lane.publish(modify);
    await fx.lane.resultsFor(modify.job!.id);
    const afterUpdate = await engineStack(fx.infra, id);
    expect(afterUpdate).toMatchObject({ status: 'UPDATE_COMPLETE', params: { name: 'green' } });
    expect(afterUpdate!.resources.map((r) => r.name)).toEqual(['port', 'ip_0']);
    await fx.lane.publish(modify);
    expect((await fx.lane.resultsFor(modify.job!.id, 2)).map((r) => r.outcome)).toEqual([SUCCEEDED, SUCCEEDED]);
    expect(await engineStack(fx.infra, id)).toEqual(afterUpdate);

    const remove = jobDispatched({ action: 'delete', resourceId: id, templateId, version: 3 });
    const deleted = await deliverTwice(fx.lane, remove);
    expect(deleted.map((r) => [r.outcome, r.result])).toEqual([
      [SUCCEEDED, { heat_outputs: [] }],
      [SUCCEEDED, { heat_outputs: [] }],
    ]);
    expect(await engineStack(fx.infra, id)).toBeUndefined();
    expect(await heatStackRecord(fx.infra, id)).toMatchObject({ stack_id: '', stack_status: 'DELETE_COMPLETE', output: [], status_reason: '' });
  });
});

describe('embedded driver: two copies of a job at once', () => {
  it('creates the resources once', async () => {
    let creates = 0;
    const counting: ResourceProvider = {
      type: 'ESI::Test::Port',
      async create(properties) {
        creates += 1;
        await new Promise((r) => setTimeout(r, 30));
        return { physicalId: randomUUID(), attributes: { ...properties } };
      },
    };
    fx.lane = await openLane(fx.infra);
    const engine = new StackEngine({ store: new EtcdStackStore(fx.infra.store), providers: [counting] });
    await fx.lane.startWorker(embeddedDriver(fx.infra, engine), { concurrency: 4 });
    const templateId = await putTemplate(fx.infra);
    const create = jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() });
    await Promise.all([fx.lane.publish(create), fx.lane.publish(create)]);
    const results = await fx.lane.resultsFor(create.job!.id, 2);
    expect(results.map((r) => r.outcome)).toEqual([SUCCEEDED, SUCCEEDED]);
    expect(creates).toBe(1);
  });
});

describe('embedded driver as the heat-worker runs it: a create over a stack already there', () => {
  it("runs the providers, finds the name taken at its commit, undoes them and reports the stack there", async () => {
    const calls: string[] = [];
    const counting: ResourceProvider = {
      type: 'ESI::Test::Port',
      async create(properties) {
        const physicalId = randomUUID();
        calls.push(`create ${physicalId}`);
        return { physicalId, attributes: { ...properties } };
      },
      async delete(current) {
        calls.push(`delete ${current.physicalId}`);
      },
    };
    // Claims decided at the commit, as engineOverEtcd builds it, with a provider that counts.
    const engine = claimsAtCommitEngine(fx.infra, [counting]);
    fx.lane = await openLane(fx.infra);
    await fx.lane.startWorker(embeddedDriver(fx.infra, engine));
    const templateId = await putTemplate(fx.infra);
    const id = randomUUID();
    // Two messages, so each is a first delivery: the second expects no stack and claims.
    const create = jobDispatched({ action: 'create', resourceId: id, templateId, params: goodParams() });
    await fx.lane.publish(create);
    const [first] = await fx.lane.resultsFor(create.job!.id);
    const stored = await engineStack(fx.infra, id);
    const made = calls.length;
    expect(calls.every((c) => c.startsWith('create '))).toBe(true);

    await fx.lane.publish(create);
    const results = await fx.lane.resultsFor(create.job!.id, 2);
    expect(results.map((r) => r.outcome)).toEqual([SUCCEEDED, SUCCEEDED]);
    expect(results[1]!.result).toEqual(first!.result);
    // The second delivery's resources were made and then undone, each one.
    const again = calls.slice(made);
    const created = again.filter((c) => c.startsWith('create ')).map((c) => c.slice('create '.length));
    const deleted = again.filter((c) => c.startsWith('delete ')).map((c) => c.slice('delete '.length));
    expect(created).toHaveLength(made);
    expect(deleted.sort()).toEqual([...created].sort());
    // Nothing of it was stored: the stack is the first delivery's, created once.
    expect(await engineStack(fx.infra, id)).toEqual(stored);
    expect(stored).toMatchObject({ status: 'CREATE_COMPLETE', operations: { CREATE: 1 } });
  });
});

describe('embedded driver as the heat-worker runs it: two worker processes, one create at the same moment', () => {
  it('stores one stack, created once; the loser at the commit undoes its work and reports the winner’s stack', async () => {
    const made = new Map<string, number>();
    // Each process its own engine (its own simulated objects), store, locks and template reader.
    const process = (name: string) => {
      const counting: ResourceProvider = {
        type: 'ESI::Test::Port',
        async create(properties) {
          made.set(name, (made.get(name) ?? 0) + 1);
          // Both creates run before either commits.
          await new Promise((r) => setTimeout(r, 30));
          return { physicalId: randomUUID(), attributes: { ...properties } };
        },
        async delete() {
          made.set(name, (made.get(name) ?? 0) - 1);
        },
      };
      const engine = claimsAtCommitEngine(fx.infra, [counting]);
      return {
        store: fx.infra.store,
        templates: new TemplateReader(fx.infra.store),
        publisher: fx.lane!.publisher,
        driver: embeddedDriver(fx.infra, engine),
        locks: new KeyedLock(),
        log,
        pluralOf,
        maxAttempts: 3,
      };
    };
    fx.lane = await openLane(fx.infra);
    const templateId = await putTemplate(fx.infra);
    const id = randomUUID();
    const create = jobDispatched({ action: 'create', resourceId: id, templateId, params: goodParams() });
    await Promise.all([runHeatJob(create, { deliveryCount: 1 }, process('a')), runHeatJob(create, { deliveryCount: 1 }, process('b'))]);
    const results = await fx.lane.resultsFor(create.job!.id, 2);
    expect(results.map((r) => r.outcome)).toEqual([SUCCEEDED, SUCCEEDED]);
    expect(results[1]!.result).toEqual(results[0]!.result);
    // Both processes made the resources (neither knew of the other before its commit)…
    expect(made.size).toBe(2);
    // …and what is left made is the winner's: the loser's were undone, each one.
    const left = [...made.values()].filter((n) => n > 0);
    expect(left).toHaveLength(1);
    expect(await engineStack(fx.infra, id)).toMatchObject({ status: 'CREATE_COMPLETE', operations: { CREATE: 1 } });
    expect(left[0]).toBe((await engineStack(fx.infra, id))!.resources.filter((r) => r.type === 'ESI::Test::Port').length);
  });
});

describe.each(ENGINE_MODES)('openstack driver: a repeated delivery, %s engine', (engine: EngineMode) => {
  const heatFor = (options: HeatTestServerOptions) => startHeatTestServer({ ...options, engine });

  const calls = (server: HeatTestServer, method: string) =>
    server.requests.filter((r) => r.method === method && r.path.includes('/stacks') && r.status < 300).length;

  it('posts one stack, puts one update and deletes once', async () => {
    fx.heat = await heatFor(engineBackedHeat());
    fx.lane = await openLane(fx.infra);
    await fx.lane.startWorker(openstackDriver(fx.heat));
    const templateId = await putTemplate(fx.infra);
    const id = randomUUID();

    const create = jobDispatched({ action: 'create', resourceId: id, templateId, params: goodParams() });
    const created = await deliverTwice(fx.lane, create);
    expect(created.map((r) => r.outcome)).toEqual([SUCCEEDED, SUCCEEDED]);
    expect(created[1]!.result).toEqual(created[0]!.result);
    expect(fx.heat.stacks()).toHaveLength(1);
    expect(calls(fx.heat, 'POST')).toBe(1);
    const outputs = created[0]!.result!.heat_outputs as { output_key: string; output_value: unknown }[];
    expect(outputs.map((o) => [o.output_key, o.output_value])).toEqual([
      ['id', expect.any(String)],
      ['name', 'blue'],
    ]);
    // heat_timeout travelled as timeout_mins; jinja_ params were not sent to Heat.
    const post = fx.heat.requests.find((r) => r.method === 'POST' && r.path.endsWith('/stacks'))!;
    expect(post.body).toMatchObject({ stack_name: stackName(id), timeout_mins: 6, parameters: { name: 'blue', vlan_id: 1025, tenant_id: 'tenant-1' } });
    expect(Object.keys((post.body as { parameters: object }).parameters)).not.toContain('jinja_ips');

    const modify = jobDispatched({ action: 'modify', resourceId: id, templateId, version: 2, params: goodParams({ name: 'green' }) });
    const modified = await deliverTwice(fx.lane, modify);
    expect(modified.map((r) => r.outcome)).toEqual([SUCCEEDED, SUCCEEDED]);
    expect(calls(fx.heat, 'PUT')).toBe(1);
    expect(fx.heat.stacks()[0]).toMatchObject({ status: 'UPDATE_COMPLETE', parameters: { name: 'green' } });
    expect(await heatStackRecord(fx.infra, id)).toMatchObject({ stack_status: 'UPDATE_COMPLETE', status_reason: 'Stack UPDATE completed successfully' });

    const remove = jobDispatched({ action: 'delete', resourceId: id, templateId, version: 3 });
    const deleted = await deliverTwice(fx.lane, remove);
    expect(deleted.map((r) => r.outcome)).toEqual([SUCCEEDED, SUCCEEDED]);
    expect(calls(fx.heat, 'DELETE')).toBe(1);
    expect(fx.heat.stacks()[0]).toMatchObject({ status: 'DELETE_COMPLETE', deleted: true });
  });

  it('makes one stack when two worker processes run the same job at the same moment', async () => {
    fx.heat = await heatFor({ ...engineBackedHeat(), operationDelayMs: 80 });
    fx.lane = await openLane(fx.infra);
    const templateId = await putTemplate(fx.infra);
    const create = jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() });
    // Two processes: nothing shared but etcd, NATS and Heat (own locks, own sessions).
    const process = () => ({
      store: fx.infra.store,
      templates: new TemplateReader(fx.infra.store),
      publisher: fx.lane!.publisher,
      driver: openstackDriver(fx.heat!),
      locks: new KeyedLock(),
      log,
      pluralOf,
      maxAttempts: 3,
    });
    await Promise.all([runHeatJob(create, { deliveryCount: 1 }, process()), runHeatJob(create, { deliveryCount: 1 }, process())]);
    const results = await fx.lane.resultsFor(create.job!.id, 2);
    expect(results.map((r) => r.outcome)).toEqual([SUCCEEDED, SUCCEEDED]);
    expect(fx.heat.stacks()).toHaveLength(1);
    // Usually both look, find nothing and post: Heat keeps the name unique (409) and the
    // loser finds the winner's stack carrying the job's tag and waits for it. If the
    // loser looks a moment later, it finds that stack in progress and waits directly.
    const posts = fx.heat.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/stacks')).map((r) => r.status);
    expect(posts.filter((status) => status === 201)).toHaveLength(1);
    expect(posts.every((status) => status === 201 || status === 409)).toBe(true);
  });

  it('makes one stack when one worker gets the same job twice at once', async () => {
    fx.heat = await heatFor({ ...engineBackedHeat(), operationDelayMs: 50 });
    fx.lane = await openLane(fx.infra);
    await fx.lane.startWorker(openstackDriver(fx.heat), { concurrency: 4 });
    const templateId = await putTemplate(fx.infra);
    const create = jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() });
    await Promise.all([fx.lane.publish(create), fx.lane.publish(create)]);
    const results = await fx.lane.resultsFor(create.job!.id, 2);
    expect(results.map((r) => r.outcome)).toEqual([SUCCEEDED, SUCCEEDED]);
    expect(fx.heat.stacks()).toHaveLength(1);
    expect(calls(fx.heat, 'POST')).toBe(1);
  });

  it('makes one stack when Heat created it but the answer was lost', async () => {
    fx.heat = await heatFor(engineBackedHeat());
    fx.heat.inject({ method: 'POST', path: /\/stacks$/, status: 502, afterHandling: true });
    fx.lane = await openLane(fx.infra);
    await fx.lane.startWorker(openstackDriver(fx.heat));
    const templateId = await putTemplate(fx.infra);
    const create = jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() });
    await fx.lane.publish(create);
    const [result] = await fx.lane.resultsFor(create.job!.id);
    expect(result!.outcome).toBe(SUCCEEDED);
    expect(fx.heat.stacks()).toHaveLength(1);
    // The retried POST met the stack the first one made (409) and waited for it.
    expect(fx.heat.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/stacks')).map((r) => r.status)).toEqual([502, 409]);
  });
});
