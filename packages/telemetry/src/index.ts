export { initTracing, serviceResource, type Tracing, type TracingOptions } from './tracing.js';
export { etcdCall } from './etcd-calls.js';
export { traceExemplar } from './exemplars.js';
export { acceptsOpenMetrics, renderMetrics, openMetricsToText, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './exposition.js';
export { recordGrpcCall, grpcCodeName, type GrpcCallLabels, type GrpcCallType } from './grpc-metrics.js';
export { createLogger, type Logger } from './logger.js';
export { SECRET_LOG_KEYS, LOG_CENSOR } from './secret-keys.js';
export { formatLogLine, levelOf, levelValue, type LogFormatOptions } from './log-format.js';
export { CHANGE_START_KEY, changeAgeMs, withChangeStart } from './change-clock.js';
export {
  metricsRegistry,
  initMetrics,
  recordHandled,
  recordRedelivery,
  recordPublished,
  recordJobOutcome,
  recordReplan,
  type ReplanReason,
  recordChangeSettled,
  recordEtcdRequest,
  recordEtcdDuration,
  recordDependencyUp,
  type EtcdOp,
  watchConsumerBacklog,
  subjectFamily,
  type ConsumerLabels,
  type HandleOutcome,
  type PublishOutcome,
  type JobOutcome,
} from './metrics.js';
export { context, propagation, trace, SpanKind, SpanStatusCode, type Span, type Context } from '@opentelemetry/api';
