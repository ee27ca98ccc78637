export { initTracing, type Tracing, type TracingOptions } from './tracing.js';
export { createLogger, type Logger } from './logger.js';
export { context, propagation, trace, SpanKind, SpanStatusCode, type Span, type Context } from '@opentelemetry/api';
