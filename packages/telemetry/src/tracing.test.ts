/**
 * The resource every span carries comes from the standard detectors and variables: a
 * service.instance.id per process (two replicas differ), the process and host, and
 * OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES over the code's own service name.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { traceExemplar } from './exemplars.js';
import { initTracing, serviceResource } from './tracing.js';

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES', 'OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

async function attributesOf(name: string): Promise<Record<string, unknown>> {
  const r = serviceResource(name);
  await r.waitForAsyncAttributes?.();
  return r.attributes;
}

describe('tracing resource', () => {
  it('names the service, a fresh instance id, the process and the host', async () => {
    delete process.env.OTEL_SERVICE_NAME;
    delete process.env.OTEL_RESOURCE_ATTRIBUTES;
    const a = await attributesOf('planner');
    const b = await attributesOf('planner');
    expect(a['service.name']).toBe('planner');
    expect(a['service.instance.id']).toMatch(/^[0-9a-f-]{36}$/);
    // One id per process: a replica is another process, hence another id.
    expect(b['service.instance.id']).toBe(a['service.instance.id']);
    expect(a['process.pid']).toBe(process.pid);
    expect(typeof a['host.name']).toBe('string');
    expect(a['telemetry.sdk.language']).toBe('nodejs');
  });

  it('lets OTEL_RESOURCE_ATTRIBUTES add and override attributes, and OTEL_SERVICE_NAME win for the name', async () => {
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'deployment.environment.name=staging,service.instance.id=planner-b,service.name=from-attributes';
    delete process.env.OTEL_SERVICE_NAME;
    const a = await attributesOf('planner');
    expect(a).toMatchObject({ 'deployment.environment.name': 'staging', 'service.instance.id': 'planner-b', 'service.name': 'from-attributes' });
    process.env.OTEL_SERVICE_NAME = 'planner-eu';
    expect((await attributesOf('planner'))['service.name']).toBe('planner-eu');
  });

  it('takes the sampler from OTEL_TRACES_SAMPLER and the endpoint from OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; an unsampled span gives no exemplar', async () => {
    process.env.OTEL_TRACES_SAMPLER = 'traceidratio';
    process.env.OTEL_TRACES_SAMPLER_ARG = '0';
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = 'http://127.0.0.1:9/v1/traces';
    const tracing = initTracing({ serviceName: 'planner', otlpEndpoint: '' });
    expect(tracing.exporting).toBe(true);
    const span = tracing.tracer.startSpan('job');
    expect(span.isRecording()).toBe(false);
    // The trace id still exists (it travels in headers and logs), but leads nowhere.
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(context.with(trace.setSpan(context.active(), span), () => traceExemplar())).toEqual({});
    span.end();
    await tracing.shutdown();
  });

  it('records no span when nothing exports them, yet passes the trace context on', async () => {
    delete process.env.OTEL_TRACES_SAMPLER;
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    const tracing = initTracing({ serviceName: 'planner', otlpEndpoint: '' });
    expect(tracing.exporting).toBe(false);
    const root = tracing.tracer.startSpan('change');
    expect(root.isRecording()).toBe(false);
    const traceId = root.spanContext().traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const headers: Record<string, string> = {};
    context.with(trace.setSpan(context.active(), root), () => {
      const child = tracing.tracer.startSpan('job');
      // The child joins the same trace, and the trace leaves in the headers, unsampled.
      expect(child.spanContext().traceId).toBe(traceId);
      propagation.inject(context.active(), headers);
      child.end();
    });
    expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    root.end();
    await tracing.shutdown();
  });

  it('records spans without an exporter when OTEL_TRACES_SAMPLER asks for them', async () => {
    process.env.OTEL_TRACES_SAMPLER = 'always_on';
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    const tracing = initTracing({ serviceName: 'planner', otlpEndpoint: '' });
    const span = tracing.tracer.startSpan('job');
    expect(span.isRecording()).toBe(true);
    span.end();
    await tracing.shutdown();
  });
});
