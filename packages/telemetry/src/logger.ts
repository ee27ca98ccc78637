/**
 * pino JSON logs; every line written inside an active span carries its trace_id and
 * span_id, so a log line leads to its trace and back.
 */
import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const ctx = span.spanContext();
      return { trace_id: ctx.traceId, span_id: ctx.spanId };
    },
  });
}
