/**
 * Where a resource's time goes inside the services, from their own Prometheus histograms:
 * the time each spent handling (a consumer's deliveries; the api's unary gRPC calls) and,
 * of it, waiting on etcd. At the unloaded level this splits the latency that the stage
 * table only shows per stage: what is etcd, what is the services' own work, and what is
 * neither (the JetStream hops between them).
 */
export interface ServiceTime {
  /** Seconds handling messages or unary calls. */
  handleS: number;
  /** Seconds waiting on etcd requests (summed: requests in parallel overlap). */
  etcdS: number;
  etcdRequests: number;
}

export type ServiceTimes = Map<string, ServiceTime>;

export function parseServiceTime(text: string): ServiceTime {
  const sum = (pattern: RegExp): number => [...text.matchAll(pattern)].reduce((a, m) => a + Number(m[1]), 0);
  return {
    handleS:
      sum(/^esi_message_handle_duration_seconds_sum\{[^}]*\} (\S+)$/gm) +
      // Streams (Watch) last as long as the client keeps them: only unary calls are handling.
      sum(/^grpc_server_handling_seconds_sum\{[^}]*grpc_type="unary"[^}]*\} (\S+)$/gm),
    etcdS: sum(/^esi_etcd_request_duration_seconds_sum\{[^}]*\} (\S+)$/gm),
    etcdRequests: sum(/^esi_etcd_request_duration_seconds_count\{[^}]*\} (\S+)$/gm),
  };
}

/** Per service, milliseconds (and etcd requests) per item between two readings. */
export function timePerItem(before: ServiceTimes, after: ServiceTimes, items: number): Record<string, { handleMs: number; etcdMs: number; etcdRequests: number }> {
  const out: Record<string, { handleMs: number; etcdMs: number; etcdRequests: number }> = {};
  const n = Math.max(1, items);
  for (const [service, a] of after) {
    const b = before.get(service) ?? { handleS: 0, etcdS: 0, etcdRequests: 0 };
    out[service] = { handleMs: ((a.handleS - b.handleS) * 1000) / n, etcdMs: ((a.etcdS - b.etcdS) * 1000) / n, etcdRequests: (a.etcdRequests - b.etcdRequests) / n };
  }
  return out;
}
