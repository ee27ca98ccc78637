export { connectMessaging, type Messaging, type NatsAuth } from './connection.js';
export { ensureStreams, streamName, prefixedSubject, DUPLICATE_WINDOW_NS, DEFAULT_STREAM_LIMITS, type StreamLimits } from './streams.js';
export { Publisher, type PublishResult } from './publisher.js';
export { startConsumer, type ConsumerDeps, type ConsumerSpec, type MessageMeta, type RunningConsumer } from './consumer.js';
export { RetryableError, PermanentError, PublishNotAllowedError, MessagingUnavailableError, isRetryable, isOutage } from './errors.js';
export { backoffMs } from './backoff.js';
export { injectTraceContext, extractTraceContext } from './trace-headers.js';
export { readStreamRange, type StreamRangeOptions } from './stream-range.js';
