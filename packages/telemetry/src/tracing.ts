/**
 * OpenTelemetry set-up for one service. Spans are exported over OTLP/HTTP when an
 * endpoint is configured; without one the provider still records context, so trace ids
 * flow through NATS headers and logs even when nobody collects spans. Baggage travels
 * beside the trace context (change-clock.ts uses it).
 */
import { trace, type Tracer } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  serviceName: string;
  /** Base OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318; empty disables export. */
  otlpEndpoint: string;
}

export interface Tracing {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

export function initTracing(opts: TracingOptions): Tracing {
  const spanProcessors: SpanProcessor[] = [];
  if (opts.otlpEndpoint) {
    const url = `${opts.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
    // Short delay: a job chain is short-lived and people look at it right away.
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 500 }));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName }),
    spanProcessors,
  });
  provider.register({
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  });
  return {
    tracer: trace.getTracer(`esi.${opts.serviceName}`),
    shutdown: () => provider.shutdown(),
  };
}
