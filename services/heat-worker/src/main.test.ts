// The service as it runs (src/main.ts in its own process, through tsx): configuration
// from the environment, the openstack driver chosen by ESI_HEAT_DRIVER, real NATS, etcd
// and the Heat-compatible server.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '@esi/contracts';
import { startHeatTestServer, type HeatTestServer } from '@esi/heat-client';
import { startService, type ServiceProcess } from '@esi/local-stack';
import { engineBackedHeat, goodParams, jobDispatched, openLane, putTemplate, startInfra, type Infra, type Lane } from './test-support.js';

let infra: Infra;
let heat: HeatTestServer;
const services: ServiceProcess[] = [];

beforeAll(async () => {
  infra = await startInfra();
  heat = await startHeatTestServer(engineBackedHeat());
});
afterAll(async () => {
  for (const s of services) await s.process.stop();
  await heat?.close();
  await infra?.stop();
});

function launch(env: Record<string, string>, lines: string[]): ServiceProcess {
  const { ESI_HEAT_DRIVER: _a, OS_AUTH_URL: _b, OS_USERNAME: _c, OS_PASSWORD: _d, OS_PROJECT_NAME: _e, ...inherited } = process.env;
  const service = startService('heat-worker', {
    env: { ...inherited, NATS_URL: infra.natsUrl, ETCD_ENDPOINTS: infra.etcdUrl, LOG_LEVEL: 'info', ...env },
    logDir: mkdtempSync(join(tmpdir(), 'esi-heat-worker-main-')),
    onLine: (_name, line) => void lines.push(line),
    readyTimeoutMs: 30_000,
  });
  services.push(service);
  return service;
}

describe('heat-worker service process', () => {
  it('with ESI_HEAT_DRIVER=openstack and OS_* settings, runs a job against Heat', async () => {
    const lane: Lane = await openLane(infra);
    const lines: string[] = [];
    const c = heat.credentials;
    const service = launch(
      {
        ESI_STREAM_PREFIX: lane.prefix,
        ESI_HEAT_DRIVER: 'openstack',
        ESI_HEAT_POLL_MS: '20',
        OS_AUTH_URL: heat.url,
        OS_USERNAME: c.username,
        OS_PASSWORD: c.password,
        OS_PROJECT_NAME: c.projectName ?? '',
        OS_REGION_NAME: 'RegionOne',
      },
      lines,
    );
    await service.ready;
    // Its start-up lines went out before readiness, on a pipe of their own.
    await expect.poll(() => lines.join('\n'), { timeout: 5_000 }).toMatch(/"driver":"openstack"/);
    const templateId = await putTemplate(infra);
    const job = jobDispatched({ action: 'create', resourceId: randomUUID(), templateId, params: goodParams() });
    await lane.publish(job);
    const [result] = await lane.resultsFor(job.job!.id, 1, 30_000);
    expect(result!.outcome).toBe(events.JobOutcome.JOB_OUTCOME_SUCCEEDED);
    expect(heat.stacks().map((s) => s.name)).toContain(`ese_logical_port_${job.job!.resourceId}`);
    await lane.stop();
  });

  it('refuses to start with every bad variable named in one error', async () => {
    const lines: string[] = [];
    const service = launch({ ESI_HEAT_DRIVER: 'openstack', ESI_HEAT_CONCURRENCY: 'lots', OS_PASSWORD: 'x' }, lines);
    await expect(service.ready).rejects.toThrow(/exited/);
    const output = lines.join('\n');
    for (const name of ['ESI_HEAT_CONCURRENCY', 'OS_AUTH_URL', 'OS_USERNAME', 'OS_PROJECT_NAME']) expect(output).toContain(name);
    expect(service.process.proc.exitCode).toBe(2);
  });
});
