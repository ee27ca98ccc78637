// Failure and bad input, end to end through real NATS and etcd: a failing stack ends the
// job with <ACTION>_FAILED and Heat's reason; transient errors are retried (within the
// client, then by redelivery) before the job fails; bad input fails the job naming the
// template and parameter while the worker keeps serving.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { events } from '@esi/contracts';
import { ENGINE_MODES, startHeatTestServer, type EngineMode, type HeatTestServerOptions } from '@esi/heat-client';
import { InMemoryStackStore, ProviderError, StackEngine, type ResourceProvider } from '@esi/stack-engine';
import {
  embeddedDriver,
  engineBackedHeat,
  goodParams,
  heatStackRecord,
  jobDispatched,
  openLane,
  openstackDriver,
  putTemplate,
  useWorkerFixture,
  type Infra,
  type Lane,
} from './test-support.js';
import type { StackDriver } from './stack-driver.js';

const fx = useWorkerFixture();

const FAILED = events.JobOutcome.JOB_OUTCOME_FAILED;
const SUCCEEDED = events.JobOutcome.JOB_OUTCOME_SUCCEEDED;

async function runOne(l: Lane, d: events.JobDispatched): Promise<events.JobResult> {
  await l.publish(d);
  return (await l.resultsFor(d.job!.id))[0]!;
}

describe.each(ENGINE_MODES)('openstack driver failures, %s engine', (engine: EngineMode) => {
  const heatFor = (options: HeatTestServerOptions) => startHeatTestServer({ ...options, engine });

  it('ends the job CREATE_FAILED with Heat’s status_reason in the error and the record', async () => {
    const reason = 'Resource CREATE failed: BadRequest: resources.port: VLAN 1025 is already in use';
    fx.heat = await heatFor(engineBackedHeat(() => ({ ok: false, reason })));
    fx.lane = await openLane(fx.infra);
    await fx.lane.startWorker(openstackDriver(fx.heat));
    const templateId = await putTemplate(fx.infra);
    const id = randomUUID();
    const result = await runOne(fx.lane, jobDispatched({ action: 'create', resourceId: id, templateId, params: goodParams() }));
    expect(result.outcome).toBe(FAILED);
    expect(result.error).toBe(`CREATE_FAILED: ${reason}`);
    expect(await heatStackRecord(fx.infra, id)).toMatchObject({ stack_status: 'CREATE_FAILED', status_reason: reason, output: [] });
  });

  it('ends an update UPDATE_FAILED with the reason', async () => {
    fx.heat = await heatFor(engineBackedHeat((op) => (op.action === 'UPDATE' ? { ok: false, reason: 'Resource UPDATE failed: quota' } : undefined)));
    fx.lane = await openLane(fx.infra);
    await fx.lane.startWorker(openstackDriver(fx.heat));
    const templateId = await putTemplate(fx.infra);
    const id = randomUUID();
    expect((await runOne(fx.lane, jobDispatched({ action: 'create', resourceId: id, templateId, params: goodParams() }))).outcome).toBe(SUCCEEDED);
    const result = await runOne(fx.lane, jobDispatched({ action: 'modify', resourceId: id, templateId, version: 2, params: goodParams({ name: 'x' }) }));
    expect(result.error).toBe('UPDATE_FAILED: Resource UPDATE failed: quota');
  });

  it('honours heat_timeout: timeout_mins is sent and the job fails when the stack does not settle in time', async () => {
    fx.heat = await heatFor(engineBackedHeat(() => new Promise(() => undefined)));
    fx.lane = await openLane(fx.infra);
    // A "minute" of 150 ms keeps the test short; the grace is zero.
    await fx.lane.startWorker(openstackDriver(fx.heat, { minuteMs: 150 }));
    const templateId = await putTemplate(fx.infra);
    const result = await runOne(fx.lane, jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams({ heat_timeout: 1 }) }));
    expect(result.outcome).toBe(FAILED);
    expect(result.error).toBe('CREATE_FAILED: Stack CREATE timed out after 1 minute(s); Heat still reports CREATE_IN_PROGRESS');
    expect(fx.heat.requests.find((r) => r.method === 'POST' && r.path.endsWith('/stacks'))?.body).toMatchObject({ timeout_mins: 1 });
  });

  it('keeps working when the token is revoked mid-job (401 → new token)', async () => {
    fx.heat = await heatFor(engineBackedHeat(async () => {
      fx.heat!.revokeTokens();
      return undefined;
    }));
    fx.lane = await openLane(fx.infra);
    await fx.lane.startWorker(openstackDriver(fx.heat));
    const templateId = await putTemplate(fx.infra);
    const result = await runOne(fx.lane, jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() }));
    expect(result.outcome).toBe(SUCCEEDED);
    expect(fx.heat.requests.some((r) => r.status === 401)).toBe(true);
    expect(fx.heat.tokensIssued()).toBe(2);
  });

  it('retries a 5xx beyond the client’s own retries by redelivery, then succeeds', async () => {
    fx.heat = await heatFor(engineBackedHeat());
    // The client tries 3 times per request; all 3 fail, so the first delivery fails.
    fx.heat.inject({ method: 'POST', path: /\/stacks$/, status: 503, count: 3 });
    fx.lane = await openLane(fx.infra);
    await fx.lane.startWorker(openstackDriver(fx.heat), { maxAttempts: 3 });
    const templateId = await putTemplate(fx.infra);
    const result = await runOne(fx.lane, jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() }));
    expect(result.outcome).toBe(SUCCEEDED);
    expect(fx.heat.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/stacks')).map((r) => r.status)).toEqual([503, 503, 503, 201]);
    expect(fx.heat.stacks()).toHaveLength(1);
  });

  it('gives up after ESI_HEAT_MAX_ATTEMPTS deliveries and fails the job with the last error', async () => {
    fx.heat = await heatFor(engineBackedHeat());
    fx.heat.inject({ method: 'POST', path: /\/stacks$/, status: 503, count: 1_000 });
    fx.lane = await openLane(fx.infra);
    await fx.lane.startWorker(openstackDriver(fx.heat), { maxAttempts: 2 });
    const templateId = await putTemplate(fx.infra);
    const result = await runOne(fx.lane, jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() }));
    expect(result.outcome).toBe(FAILED);
    expect(result.error).toMatch(/^CREATE_FAILED: gave up after 2 attempt\(s\): Heat POST \/stacks: 503/);
    expect(fx.heat.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/stacks'))).toHaveLength(6);
  });
});

describe('embedded driver: a transient resource failure', () => {
  it('is retried by redelivery (backoff with jitter) and the stack is rebuilt', async () => {
    let failures = 1;
    const flaky: ResourceProvider = {
      type: 'ESI::Test::Port',
      async create(properties) {
        if (failures-- > 0) throw new ProviderError('backend busy', { retryable: true });
        return { physicalId: randomUUID(), attributes: { ...properties } };
      },
      async delete() {},
    };
    fx.lane = await openLane(fx.infra);
    const engine = new StackEngine({ store: new InMemoryStackStore(), providers: [flaky] });
    await fx.lane.startWorker(embeddedDriver(fx.infra, engine), { maxAttempts: 3 });
    const templateId = await putTemplate(fx.infra);
    const result = await runOne(fx.lane, jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() }));
    expect(result.outcome).toBe(SUCCEEDED);
    expect(failures).toBe(-1);
  });

  it('fails with the stack’s reason once the attempts are used up', async () => {
    const broken: ResourceProvider = {
      type: 'ESI::Test::Port',
      async create() {
        throw new ProviderError('backend busy', { retryable: true });
      },
    };
    fx.lane = await openLane(fx.infra);
    const engine = new StackEngine({ store: new InMemoryStackStore(), providers: [broken] });
    await fx.lane.startWorker(embeddedDriver(fx.infra, engine), { maxAttempts: 2 });
    const templateId = await putTemplate(fx.infra);
    const result = await runOne(fx.lane, jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() }));
    expect(result.error).toBe('CREATE_FAILED: Resource CREATE failed: ProviderError: resources.port: backend busy');
  });
});

describe.each([
  ['embedded', (i: Infra) => Promise.resolve(embeddedDriver(i))],
  [
    'openstack',
    async () => {
      fx.heat = await startHeatTestServer(engineBackedHeat());
      return openstackDriver(fx.heat);
    },
  ],
] as const)('bad input with the %s driver', (_name, makeDriver: (i: Infra) => Promise<StackDriver>) => {
  it('fails the job naming the template and parameter, and keeps serving', async () => {
    fx.lane = await openLane(fx.infra);
    await fx.lane.startWorker(await makeDriver(fx.infra), { concurrency: 1 });
    const templateId = await putTemplate(fx.infra);
    const brokenJinja = await putTemplate(fx.infra, 'heat_template_version: 2015-04-30\nresources: {% for x in %}\n');
    const notHot = await putTemplate(fx.infra, 'heat_template_version: 2015-04-30\nresources:\n  a: [not, a, resource]\n');
    const job = (params: Record<string, unknown>, tid = templateId) =>
      jobDispatched({ action: 'create', resourceId: randomUUID(), templateId: tid, params });
    const { name: _dropped, ...withoutName } = goodParams();

    const missing = await runOne(fx.lane, job(withoutName));
    expect(missing.outcome).toBe(FAILED);
    expect(missing.error).toMatch(new RegExp(`^CREATE_FAILED: template ${templateId}: .*The Parameter \\(name\\) was not provided\\.`));

    const wrongType = await runOne(fx.lane, job(goodParams({ vlan_id: 'many' })));
    expect(wrongType.error).toMatch(new RegExp(`^CREATE_FAILED: template ${templateId}: .*Parameter 'vlan_id' is invalid`));

    const outOfRange = await runOne(fx.lane, job(goodParams({ vlan_id: 5000 })));
    expect(outOfRange.error).toMatch(/Parameter 'vlan_id' is invalid/);

    const badTimeout = await runOne(fx.lane, job(goodParams({ heat_timeout: 'soon' })));
    expect(badTimeout.error).toBe(`CREATE_FAILED: template ${templateId}: Parameter 'heat_timeout' is invalid: expected a positive number of minutes, got "soon"`);

    const unrendered = await runOne(fx.lane, job(goodParams(), brokenJinja));
    expect(unrendered.error).toMatch(new RegExp(`^CREATE_FAILED: template ${brokenJinja} does not render: `));

    const unparsed = await runOne(fx.lane, job(goodParams(), notHot));
    expect(unparsed.error).toMatch(new RegExp(`^CREATE_FAILED: template ${notHot}: `));

    const absent = await runOne(fx.lane, job(goodParams(), 't_missing'));
    expect(absent.error).toBe('CREATE_FAILED: template t_missing not found');

    const good = await runOne(fx.lane, job(goodParams()));
    expect(good.outcome).toBe(SUCCEEDED);
  });
});
