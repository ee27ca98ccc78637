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

  it('answers /healthz 503 until ready, then 200', async () => {
    const health = server.url.replace('/metrics', '/healthz');
    expect((await fetch(health)).status).toBe(503);
    server.setReady(true);
    expect((await fetch(health)).status).toBe(200);
    server.setReady(false);
    expect((await fetch(health)).status).toBe(503);
    expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
  });
});
