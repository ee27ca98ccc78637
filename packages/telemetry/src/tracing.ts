/**
 * OpenTelemetry set-up for one service, configured the standard way: the resource comes
 * from the SDK's detectors (OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME, host,
 * process, and a `service.instance.id` per process, so two replicas of a service are
 * told apart), the sampler from OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (read by
 * the SDK; parent-based always-on by default), the exporter from
 * OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT / _HEADERS, the batch delays from OTEL_BSP_*.
 * OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true turn export off. Without an
 * exporter, and unless OTEL_TRACES_SAMPLER says otherwise, no span is recorded: the
 * trace context still flows (trace ids in NATS headers and logs), and spans nobody would
 * collect cost little (the span machinery took 3-6 % of a service's CPU in the bench's
 * profiles when recording, under 2 % without). Their context leaves unsampled, so every
 * service of a deployment should export alike. Baggage travels beside the trace context (change-clock.ts uses it).
 */
import type { Tracer } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
  type Resource,
} from '@opentelemetry/resources';
import { AlwaysOffSampler, BatchSpanProcessor, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  serviceName: string;
  /** Base OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318; empty disables export (unless OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set). */
  otlpEndpoint: string;
}

export interface Tracing {
  tracer: Tracer;
  resource: Resource;
  /** Whether spans leave the process (an exporter is configured and not disabled). */
  exporting: boolean;
  shutdown(): Promise<void>;
}

/**
 * The SDK's own attributes, the service's own name, then what the detectors find: the environment wins, as
 * the specification asks (OTEL_SERVICE_NAME over OTEL_RESOURCE_ATTRIBUTES' service.name
 * over the code's default).
 */
export function serviceResource(serviceName: string): Resource {
  const detected = detectResources({ detectors: [hostDetector, osDetector, processDetector, serviceInstanceIdDetector, envDetector] });
  return defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })).merge(detected);
}

// The OTEL_* variables are OpenTelemetry's, read as its specification says (the SDK's
// own detectors read them the same way), not settings of ours with a spec of our own.
/* eslint-disable no-restricted-syntax */
function tracesUrl(opts: TracingOptions, env = process.env): string | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  if (env.OTEL_TRACES_EXPORTER?.split(',').map((s) => s.trim()).includes('none')) return undefined;
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (specific) return specific;
  return opts.otlpEndpoint ? `${opts.otlpEndpoint.replace(/\/$/, '')}/v1/traces` : undefined;
}

/** Nothing would collect the spans and no sampler is asked for: record none (see above). */
function samplerWithoutExport(url: string | undefined, env = process.env): Sampler | undefined {
  return url || env.OTEL_TRACES_SAMPLER?.trim() ? undefined : new AlwaysOffSampler();
}

export function initTracing(opts: TracingOptions): Tracing {
  const spanProcessors: SpanProcessor[] = [];
  const url = tracesUrl(opts);
  if (url) {
    // Short default delay: a job chain is short-lived and people look at it right away.
    const scheduledDelayMillis = process.env.OTEL_BSP_SCHEDULE_DELAY ? undefined : 500;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis }));
  }
  const sampler = samplerWithoutExport(url);
  /* eslint-enable no-restricted-syntax */
  const resource = serviceResource(opts.serviceName);
  const provider = new NodeTracerProvider({ resource, spanProcessors, ...(sampler ? { sampler } : {}) });
  provider.register({
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  });
  return {
    tracer: provider.getTracer(`esi.${opts.serviceName}`),
    resource,
    exporting: Boolean(url),
    shutdown: () => provider.shutdown(),
  };
}
