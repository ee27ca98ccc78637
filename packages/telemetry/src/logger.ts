/**
 * pino JSON logs; every line written inside an active span carries its trace_id and
 * span_id, so a log line leads to its trace and back. The consumer edge and the api's
 * call edge run their handlers inside their span, so every line written while handling
 * a message or a request has both. Secret keys are censored wherever they sit in a
 * logged object (secret-keys.ts), so no level, debug included, writes one. Each line also
 * names its service, process id and host (a container's host name is its id).
 */
import { hostname } from 'node:os';
import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
import { LOG_CENSOR, secretLogPaths } from './secret-keys.js';

export type { Logger } from 'pino';

/** `destination` defaults to stdout; tests pass a stream to read the lines back. */
export function createLogger(service: string, level = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    // pino's own pid and hostname stay: they tell replicas and containers apart.
    base: { pid: process.pid, hostname: hostname(), service },
    redact: { paths: secretLogPaths(), censor: LOG_CENSOR },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const ctx = span.spanContext();
      return { trace_id: ctx.traceId, span_id: ctx.spanId };
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
