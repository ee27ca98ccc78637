/**
 * One request to etcd, counted and timed (metrics.ts) and, inside a trace, a CLIENT span
 * following the database conventions (db.system.name "etcd", the operation, the key
 * family as the collection), so a job's trace shows the etcd requests it made, the main
 * cost of a change. Outside any span (start-up, the resync pass, watches) no span is
 * made: those requests would otherwise each open a trace of their own.
 */
import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import { keyFamily, recordEtcdDuration, recordEtcdRequest, type EtcdOp } from './metrics.js';

const tracer = trace.getTracer('esi.etcd');

export async function etcdCall<T>(op: EtcdOp, key: string, fn: () => Promise<T>): Promise<T> {
  recordEtcdRequest(op, key);
  const parent = trace.getSpan(context.active());
  const span = parent?.isRecording() ? startEtcdSpan(op, key) : undefined;
  const t0 = performance.now();
  try {
    // Not made the active span: nothing runs under an etcd request, and entering a
    // context costs CPU on every call (the exemplar names the job's trace all the same).
    const res = await fn();
    recordEtcdDuration(op, true, (performance.now() - t0) / 1000);
    return res;
  } catch (err) {
    recordEtcdDuration(op, false, (performance.now() - t0) / 1000);
    span?.setAttribute('error.type', (err as Error)?.name ?? 'Error');
    span?.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
    throw err;
  } finally {
    span?.end();
  }
}

function startEtcdSpan(op: EtcdOp, key: string): Span {
  const family = keyFamily(key);
  return tracer.startSpan(`${op} ${family}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system.name': 'etcd',
      // The name before semantic conventions 1.26, which many backends still read.
      'db.system': 'etcd',
      'db.operation.name': op,
      'db.collection.name': family,
      'esi.etcd.key': key,
    },
  });
}
