import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initMetrics, recordJobOutcome } from '@esi/telemetry';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';

let server: MetricsServer;

beforeAll(async () => {
  initMetrics('test-service');
  server = await startMetricsServer('127.0.0.1:0');
});

afterAll(async () => {
  await server?.close();
});

describe('metrics server', () => {
  it('binds a free port for port 0 and serves the Prometheus text format', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    recordJobOutcome({ handler: 'heat_worker', action: 'create' }, 'succeeded', 0.3);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('# TYPE esi_jobs_total counter');
    expect(text).toMatch(/esi_jobs_total\{handler="heat_worker",action="create",outcome="succeeded",service="test-service"\} 1/);
    expect(text).toMatch(/esi_job_duration_seconds_bucket\{le="0\.5",service="test-service",handler="heat_worker",action="create",outcome="succeeded"\} 1/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('serves OpenMetrics, exemplars included, to a client that asks as Prometheus does', async () => {
    const res = await fetch(server.url, { headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    const text = await res.text();
    expect(text).toContain('# TYPE esi_jobs counter');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('answers /healthz 503 until ready, then 200, and 503 with the reason while NATS or etcd is down', async () => {
    const health = server.url.replace('/metrics', '/healthz');
    expect((await fetch(health)).status).toBe(503);
    server.setReady(true);
    expect((await fetch(health)).status).toBe(200);
    server.health.setDependency('etcd', false);
    let res = await fetch(health);
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('etcd: unreachable\n');
    server.health.setDependency('nats', false, 'disconnected');
    expect(await (await fetch(health)).text()).toBe('etcd: unreachable; nats: disconnected\n');
    expect(await (await fetch(server.url)).text()).toMatch(/^esi_dependency_up\{dependency="nats",service="test-service"\} 0$/m);
    server.health.setDependency('etcd', true);
    server.health.setDependency('nats', true);
    res = await fetch(health);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
    server.setReady(false);
    expect((await fetch(health)).status).toBe(503);
    expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
  });
});
