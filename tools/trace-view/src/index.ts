export { printResourceTrace, defaultSpanFile, type ResourceTraceOptions } from './print-resource-trace.js';
export { startSpanReceiver, type SpanReceiver, type SpanReceiverOptions } from './span-receiver.js';
export { readSpanFile, SpanFile } from './span-file.js';
export { spansFromOtlpJson, type ExportTraceRequest } from './otlp-json.js';
export { JaegerSource } from './jaeger.js';
export { latestChangeTrace } from './find-trace.js';
export { buildTree, renderTrace, duration, type SpanNode, type RenderOptions } from './trace-tree.js';
export type { TraceSpan, SpanKindName } from './span.js';
