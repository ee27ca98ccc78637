/**
 * pino JSON logs; every line written inside an active span carries its trace_id and
 * span_id, so a log line leads to its trace and back. The consumer edge and the api's
 * call edge run their handlers inside their span, so every line written while handling
 * a message or a request has both. Each line also names its service, process id and host
 * (a container's host name is its id).
 *
 * No level, debug included, writes a secret: the keys of secret-keys.ts are censored
 * wherever they sit in a line's object, in a child logger's bindings and in a logged
 * error's own fields (censor-secrets.ts, one walk per line).
 */
import { hostname } from 'node:os';
import { trace } from '@opentelemetry/api';
import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { censorSecrets } from './censor-secrets.js';
import { batchedWriter, type BatchedWriter } from './stdout-batch.js';
import { LOG_CENSOR, SECRET_LOG_KEYS } from './secret-keys.js';

export type { Logger } from 'pino';

const SECRET_KEYS: ReadonlySet<string> = new Set(SECRET_LOG_KEYS);

function censor<T>(value: T): T {
  return censorSecrets(value, SECRET_KEYS, LOG_CENSOR);
}

const serializeError = pino.stdSerializers.err;

/**
 * pino's error serializer, then the secret keys among the error's own fields. The walk
 * leaves Errors alone, and the serializer copies an error's own fields (a request's
 * headers, say) into a line as they are.
 */
function serializeErrorCensored(value: unknown): unknown {
  const out: unknown = serializeError(value as Error);
  // Not an error: returned as it came, already walked with the rest of the line.
  if (out === value || typeof out !== 'object' || out === null) return out;
  // The serialized error's prototype is pino's own, so the walk would not enter it.
  return censor({ ...out });
}

/**
 * pino applies `formatters.bindings` only to the root's `base`, not to a child's bindings,
 * so `child` and `setBindings` censor theirs before pino writes them into every line. A
 * child is made with Object.create(parent), so it and its own children inherit these.
 */
function censorBindings(logger: Logger): Logger {
  const child = logger.child;
  const setBindings = logger.setBindings;
  logger.child = function censoredChild<L extends string = never>(this: Logger, bindings: Bindings, options?: ChildLoggerOptions<L>) {
    return child.call<Logger, [Bindings, ChildLoggerOptions<L> | undefined], Logger<L>>(this, censor(bindings), options);
  };
  logger.setBindings = function censoredSetBindings(this: Logger, bindings: Bindings) {
    setBindings.call(this, censor(bindings));
  };
  return logger;
}

/** One batched stdout per process (stdout-batch.ts), shared by its loggers, so their lines keep their order. */
let stdout: BatchedWriter | undefined;

function batchedStdout(): DestinationStream {
  if (stdout) return stdout;
  const writer = batchedWriter(1);
  process.on('exit', () => writer.flushSync());
  stdout = writer;
  return writer;
}

/** `destination` defaults to stdout, batched; tests pass a stream to read the lines back. */
export function createLogger(service: string, level = 'info', destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    // pino's own pid and hostname stay: they tell replicas and containers apart.
    base: { pid: process.pid, hostname: hostname(), service },
    // Each line's object: what was logged merged with the mixin's trace ids, before serializers.
    formatters: { log: censor },
    serializers: { err: serializeErrorCensored },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const ctx = span.spanContext();
      return { trace_id: ctx.traceId, span_id: ctx.spanId };
    },
  };
  return censorBindings(pino(options, destination ?? batchedStdout()));
}
