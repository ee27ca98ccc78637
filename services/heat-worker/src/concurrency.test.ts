// Jobs in flight per worker, several workers on one work queue, and a slow stack that
// holds only its own slot — through real NATS and etcd and the Heat-compatible server.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { events } from '@esi/contracts';
import { startHeatTestServer, type OperationResult } from '@esi/heat-client';
import { InMemoryStackStore, StackEngine, type ResourceProvider } from '@esi/stack-engine';
import type { StackDriver } from './stack-driver.js';
import {
  embeddedDriver,
  engineBackedHeat,
  goodParams,
  jobDispatched,
  openLane,
  openstackDriver,
  putTemplate,
  useWorkerFixture,
  waitFor,
} from './test-support.js';

const fx = useWorkerFixture();

const SUCCEEDED = events.JobOutcome.JOB_OUTCOME_SUCCEEDED;

/** A gate tests open by hand: stacks wait on it to show a slow backend. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('a slow stack does not hold up others', () => {
  it('openstack: three fast stacks finish while a slow one is still in progress', async () => {
    const slow = gate();
    fx.heat = await startHeatTestServer(
      engineBackedHeat(async (op): Promise<OperationResult | undefined> => {
        if (op.parameters.name === 'slow') await slow.opened;
        return undefined;
      }),
    );
    fx.lane = await openLane(fx.infra);
    await fx.lane.startWorker(openstackDriver(fx.heat), { concurrency: 4 });
    const templateId = await putTemplate(fx.infra);
    const slowJob = jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams({ name: 'slow' }) });
    const fastJobs = [1, 2, 3].map((n) => jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams({ name: `fast${n}` }) }));
    await fx.lane.publish(slowJob);
    await waitFor(() => fx.heat!.stacks().length === 1, 5_000, 'the slow stack to start');
    for (const job of fastJobs) await fx.lane.publish(job);

    for (const job of fastJobs) expect((await fx.lane.resultsFor(job.job!.id))[0]!.outcome).toBe(SUCCEEDED);
    expect(fx.lane.results.filter((r) => r.job?.id === slowJob.job!.id)).toEqual([]);
    expect(fx.heat.stacks().find((s) => s.parameters.name === 'slow')?.status).toBe('CREATE_IN_PROGRESS');

    slow.open();
    expect((await fx.lane.resultsFor(slowJob.job!.id))[0]!.outcome).toBe(SUCCEEDED);
  });

  it('embedded: the same with a slow resource provider', async () => {
    const slow = gate();
    const provider: ResourceProvider = {
      type: 'ESI::Test::Port',
      async create(properties) {
        if (properties.name === 'slow') await slow.opened;
        return { physicalId: randomUUID(), attributes: { ...properties } };
      },
    };
    fx.lane = await openLane(fx.infra);
    const engine = new StackEngine({ store: new InMemoryStackStore(), providers: [provider] });
    await fx.lane.startWorker(embeddedDriver(fx.infra, engine), { concurrency: 2 });
    const templateId = await putTemplate(fx.infra);
    const slowJob = jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams({ name: 'slow' }) });
    const fastJobs = [1, 2, 3].map((n) => jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams({ name: `fast${n}` }) }));
    await fx.lane.publish(slowJob);
    for (const job of fastJobs) await fx.lane.publish(job);
    for (const job of fastJobs) expect((await fx.lane.resultsFor(job.job!.id))[0]!.outcome).toBe(SUCCEEDED);
    expect(fx.lane.results.filter((r) => r.job?.id === slowJob.job!.id)).toEqual([]);
    slow.open();
    expect((await fx.lane.resultsFor(slowJob.job!.id))[0]!.outcome).toBe(SUCCEEDED);
  });
});

describe('jobs in flight', () => {
  it('never runs more stacks at once than ESI_HEAT_CONCURRENCY', async () => {
    const release = gate();
    let running = 0;
    let peak = 0;
    fx.heat = await startHeatTestServer(
      engineBackedHeat(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await release.opened;
        running -= 1;
        return undefined;
      }),
    );
    fx.lane = await openLane(fx.infra);
    await fx.lane.startWorker(openstackDriver(fx.heat), { concurrency: 2 });
    const templateId = await putTemplate(fx.infra);
    const jobs = Array.from({ length: 5 }, () => jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() }));
    for (const job of jobs) await fx.lane.publish(job);
    await waitFor(() => running === 2, 5_000, 'two stacks in progress');
    await new Promise((r) => setTimeout(r, 200));
    expect(fx.heat.stacks()).toHaveLength(2);
    release.open();
    for (const job of jobs) expect((await fx.lane.resultsFor(job.job!.id))[0]!.outcome).toBe(SUCCEEDED);
    expect(peak).toBe(2);
  });
});

describe('more workers share the work queue', () => {
  it('two workers on one durable split the jobs between them, each job once', async () => {
    fx.heat = await startHeatTestServer({ ...engineBackedHeat(), operationDelayMs: 40 });
    fx.lane = await openLane(fx.infra);
    const handled = [0, 0];
    const counting = (driver: StackDriver, slot: number): StackDriver =>
      Object.assign(Object.create(driver) as StackDriver, {
        create: (call: Parameters<StackDriver['create']>[0]) => {
          handled[slot]! += 1;
          return driver.create(call);
        },
      });
    await fx.lane.startWorker(counting(openstackDriver(fx.heat), 0), { concurrency: 2 });
    await fx.lane.startWorker(counting(openstackDriver(fx.heat), 1), { concurrency: 2 });
    const templateId = await putTemplate(fx.infra);
    const jobs = Array.from({ length: 12 }, () => jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() }));
    for (const job of jobs) await fx.lane.publish(job);
    for (const job of jobs) expect((await fx.lane.resultsFor(job.job!.id))[0]!.outcome).toBe(SUCCEEDED);
    expect(handled[0]! + handled[1]!).toBe(12);
    expect(handled[0]).toBeGreaterThan(0);
    expect(handled[1]).toBeGreaterThan(0);
    expect(fx.heat.stacks()).toHaveLength(12);
  });
});
