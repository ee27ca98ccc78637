// Failure and bad input, end to end through real NATS and etcd: a failing stack ends the
// job with <ACTION>_FAILED and Heat's reason; transient errors are retried (within the
// client, then by redelivery) before the job fails; bad input fails the job naming the
// template and parameter while the worker keeps serving.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { events } from '@esi/contracts';
import { ENGINE_MODES, startHeatTestServer, type EngineMode, type HeatTestServer, type HeatTestServerOptions } from '@esi/heat-client';
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
  startInfra,
  type Infra,
  type Lane,
} from './test-support.js';
import type { StackDriver } from './stack-driver.js';

let infra: Infra;
let lane: Lane | undefined;
let heat: HeatTestServer | undefined;

beforeAll(async () => {
  infra = await startInfra();
});
afterAll(async () => {
  await infra?.stop();
});
afterEach(async () => {
  await lane?.stop();
  await heat?.close();
  lane = undefined;
  heat = undefined;
});

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
    heat = await heatFor(engineBackedHeat(() => ({ ok: false, reason })));
    lane = await openLane(infra);
    await lane.startWorker(openstackDriver(heat));
    const templateId = await putTemplate(infra);
    const id = randomUUID();
    const result = await runOne(lane, jobDispatched({ action: 'create', resourceId: id, templateId, params: goodParams() }));
    expect(result.outcome).toBe(FAILED);
    expect(result.error).toBe(`CREATE_FAILED: ${reason}`);
    expect(await heatStackRecord(infra, id)).toMatchObject({ stack_status: 'CREATE_FAILED', status_reason: reason, output: [] });
  });

  it('ends an update UPDATE_FAILED with the reason', async () => {
    heat = await heatFor(engineBackedHeat((op) => (op.action === 'UPDATE' ? { ok: false, reason: 'Resource UPDATE failed: quota' } : undefined)));
    lane = await openLane(infra);
    await lane.startWorker(openstackDriver(heat));
    const templateId = await putTemplate(infra);
    const id = randomUUID();
    expect((await runOne(lane, jobDispatched({ action: 'create', resourceId: id, templateId, params: goodParams() }))).outcome).toBe(SUCCEEDED);
    const result = await runOne(lane, jobDispatched({ action: 'modify', resourceId: id, templateId, version: 2, params: goodParams({ name: 'x' }) }));
    expect(result.error).toBe('UPDATE_FAILED: Resource UPDATE failed: quota');
  });

  it('honours heat_timeout: timeout_mins is sent and the job fails when the stack does not settle in time', async () => {
    heat = await heatFor(engineBackedHeat(() => new Promise(() => undefined)));
    lane = await openLane(infra);
    // A "minute" of 150 ms keeps the test short; the grace is zero.
    await lane.startWorker(openstackDriver(heat, { minuteMs: 150 }));
    const templateId = await putTemplate(infra);
    const result = await runOne(lane, jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams({ heat_timeout: 1 }) }));
    expect(result.outcome).toBe(FAILED);
    expect(result.error).toBe('CREATE_FAILED: Stack CREATE timed out after 1 minute(s); Heat still reports CREATE_IN_PROGRESS');
    expect(heat.requests.find((r) => r.method === 'POST' && r.path.endsWith('/stacks'))?.body).toMatchObject({ timeout_mins: 1 });
  });

  it('keeps working when the token is revoked mid-job (401 → new token)', async () => {
    heat = await heatFor(engineBackedHeat(async () => {
      heat!.revokeTokens();
      return undefined;
    }));
    lane = await openLane(infra);
    await lane.startWorker(openstackDriver(heat));
    const templateId = await putTemplate(infra);
    const result = await runOne(lane, jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() }));
    expect(result.outcome).toBe(SUCCEEDED);
    expect(heat.requests.some((r) => r.status === 401)).toBe(true);
    expect(heat.tokensIssued()).toBe(2);
  });

  it('retries a 5xx beyond the client’s own retries by redelivery, then succeeds', async () => {
    heat = await heatFor(engineBackedHeat());
    // The client tries 3 times per request; all 3 fail, so the first delivery fails.
    heat.inject({ method: 'POST', path: /\/stacks$/, status: 503, count: 3 });
    lane = await openLane(infra);
    await lane.startWorker(openstackDriver(heat), { maxAttempts: 3 });
    const templateId = await putTemplate(infra);
    const result = await runOne(lane, jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() }));
    expect(result.outcome).toBe(SUCCEEDED);
    expect(heat.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/stacks')).map((r) => r.status)).toEqual([503, 503, 503, 201]);
    expect(heat.stacks()).toHaveLength(1);
  });

  it('gives up after ESI_HEAT_MAX_ATTEMPTS deliveries and fails the job with the last error', async () => {
    heat = await heatFor(engineBackedHeat());
    heat.inject({ method: 'POST', path: /\/stacks$/, status: 503, count: 1_000 });
    lane = await openLane(infra);
    await lane.startWorker(openstackDriver(heat), { maxAttempts: 2 });
    const templateId = await putTemplate(infra);
    const result = await runOne(lane, jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() }));
    expect(result.outcome).toBe(FAILED);
    expect(result.error).toMatch(/^CREATE_FAILED: gave up after 2 attempt\(s\): Heat POST \/stacks: 503/);
    expect(heat.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/stacks'))).toHaveLength(6);
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
    lane = await openLane(infra);
    const engine = new StackEngine({ store: new InMemoryStackStore(), providers: [flaky] });
    await lane.startWorker(embeddedDriver(infra, engine), { maxAttempts: 3 });
    const templateId = await putTemplate(infra);
    const result = await runOne(lane, jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() }));
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
    lane = await openLane(infra);
    const engine = new StackEngine({ store: new InMemoryStackStore(), providers: [broken] });
    await lane.startWorker(embeddedDriver(infra, engine), { maxAttempts: 2 });
    const templateId = await putTemplate(infra);
    const result = await runOne(lane, jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() }));
    expect(result.error).toBe('CREATE_FAILED: Resource CREATE failed: ProviderError: resources.port: backend busy');
  });
});

describe.each([
  ['embedded', (i: Infra) => Promise.resolve(embeddedDriver(i))],
  [
    'openstack',
    async () => {
      heat = await startHeatTestServer(engineBackedHeat());
      return openstackDriver(heat);
    },
  ],
] as const)('bad input with the %s driver', (_name, makeDriver: (i: Infra) => Promise<StackDriver>) => {
  it('fails the job naming the template and parameter, and keeps serving', async () => {
    lane = await openLane(infra);
    await lane.startWorker(await makeDriver(infra), { concurrency: 1 });
    const templateId = await putTemplate(infra);
    const brokenJinja = await putTemplate(infra, 'heat_template_version: 2015-04-30\nresources: {% for x in %}\n');
    const notHot = await putTemplate(infra, 'heat_template_version: 2015-04-30\nresources:\n  a: [not, a, resource]\n');
    const job = (params: Record<string, unknown>, tid = templateId) =>
      jobDispatched({ action: 'create', resourceId: randomUUID(), templateId: tid, params });
    const { name: _dropped, ...withoutName } = goodParams();

    const missing = await runOne(lane, job(withoutName));
    expect(missing.outcome).toBe(FAILED);
    expect(missing.error).toMatch(new RegExp(`^CREATE_FAILED: template ${templateId}: .*The Parameter \\(name\\) was not provided\\.`));

    const wrongType = await runOne(lane, job(goodParams({ vlan_id: 'many' })));
    expect(wrongType.error).toMatch(new RegExp(`^CREATE_FAILED: template ${templateId}: .*Parameter 'vlan_id' is invalid`));

    const outOfRange = await runOne(lane, job(goodParams({ vlan_id: 5000 })));
    expect(outOfRange.error).toMatch(/Parameter 'vlan_id' is invalid/);

    const badTimeout = await runOne(lane, job(goodParams({ heat_timeout: 'soon' })));
    expect(badTimeout.error).toBe(`CREATE_FAILED: template ${templateId}: Parameter 'heat_timeout' is invalid: expected a positive number of minutes, got "soon"`);

    const unrendered = await runOne(lane, job(goodParams(), brokenJinja));
    expect(unrendered.error).toMatch(new RegExp(`^CREATE_FAILED: template ${brokenJinja} does not render: `));

    const unparsed = await runOne(lane, job(goodParams(), notHot));
    expect(unparsed.error).toMatch(new RegExp(`^CREATE_FAILED: template ${notHot}: `));

    const absent = await runOne(lane, job(goodParams(), 't_missing'));
    expect(absent.error).toBe('CREATE_FAILED: template t_missing not found');

    const good = await runOne(lane, job(goodParams()));
    expect(good.outcome).toBe(SUCCEEDED);
  });
});
