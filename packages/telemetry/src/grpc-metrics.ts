/**
 * Rate, errors and duration of the api's gRPC calls, under the names the grpc-ecosystem
 * Prometheus interceptors use (grpc_server_started_total, grpc_server_handled_total,
 * grpc_server_handling_seconds), so the usual queries and dashboards work unchanged.
 * Recorded by the api's call edge (services/api/src/call-handler.ts).
 */
import { Counter, Histogram } from 'prom-client';
import { traceExemplar } from './exemplars.js';
import { metricsRegistry } from './metrics.js';

const registers = [metricsRegistry];
const LABELS = ['grpc_service', 'grpc_method', 'grpc_type'] as const;
/** Unary calls take milliseconds; streams (watches) live as long as their client. */
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];

/** The names of the gRPC status codes, by number (grpc_code label values). */
const CODE_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export type GrpcCallType = 'unary' | 'server_stream';

export interface GrpcCallLabels {
  grpc_service: string;
  grpc_method: string;
  grpc_type: GrpcCallType;
}

const started = new Counter({
  name: 'grpc_server_started_total',
  help: 'gRPC calls the api began, by service, method and type.',
  labelNames: LABELS,
  registers,
});

const handled = new Counter({
  name: 'grpc_server_handled_total',
  help: 'gRPC calls the api finished, by service, method, type and status code name (OK, NOT_FOUND, …).',
  labelNames: [...LABELS, 'grpc_code'] as const,
  registers,
});

const handlingSeconds = new Histogram({
  name: 'grpc_server_handling_seconds',
  help: 'Time from a gRPC call’s start to its answer (for a stream: to its end), by service, method, type and status code name.',
  labelNames: [...LABELS, 'grpc_code'] as const,
  buckets: SECONDS,
  registers,
  enableExemplars: true,
});

export function grpcCodeName(code: number): string {
  return CODE_NAMES[code] ?? String(code);
}

/** Call when a call begins; the returned function when it ends, with its status code. */
export function recordGrpcCall(labels: GrpcCallLabels): (code: number) => void {
  started.inc(labels);
  const t0 = performance.now();
  let done = false;
  return (code) => {
    if (done) return;
    done = true;
    const withCode = { ...labels, grpc_code: grpcCodeName(code) };
    handled.inc(withCode);
    handlingSeconds.observe({ labels: withCode, value: (performance.now() - t0) / 1000, exemplarLabels: traceExemplar() });
  };
}
