/**
 * Counts etcd's work from its Prometheus endpoint (the client URL's /metrics): the
 * requests it was sent, reads, transactions, puts, deletes and WAL fsyncs, so a phase can
 * say how many of each one resource cost.
 */
export interface EtcdCounts {
  /**
   * Unary gRPC requests etcd started (every method: Range, Txn, Put, DeleteRange, leases,
   * Status probes), whatever they carry: a transaction of five reads is one request. The
   * mvcc counters below count what requests did inside (each range of a transaction).
   * Absent in result files written before it was counted (2026-12-04).
   */
  requests?: number;
  range: number;
  txn: number;
  put: number;
  delete: number;
  fsync: number;
  /**
   * Key-value requests (Range, Txn, Put, DeleteRange) and the seconds etcd spent handling
   * them, from its own histogram (etcd started with `--metrics extensive`): set beside
   * the time the services measured for the same requests, the difference is time spent
   * outside etcd. Absent when etcd keeps no such histogram.
   */
  kvRequests?: number;
  kvSeconds?: number;
}

type Counted = 'range' | 'txn' | 'put' | 'delete' | 'fsync';

const SERIES: Record<Counted, RegExp> = {
  range: /^etcd_debugging_mvcc_range_total (\S+)$/m,
  txn: /^etcd_debugging_mvcc_txn_total (\S+)$/m,
  put: /^etcd_debugging_mvcc_put_total (\S+)$/m,
  delete: /^etcd_debugging_mvcc_delete_total (\S+)$/m,
  fsync: /^etcd_disk_wal_fsync_duration_seconds_count (\S+)$/m,
};

const UNARY_STARTED = /^grpc_server_started_total\{[^}]*grpc_type="unary"[^}]*\} (\S+)$/gm;
const KV_HANDLING = /^grpc_server_handling_seconds_(sum|count)\{[^}]*grpc_method="(?:Range|Txn|Put|DeleteRange)"[^}]*\} (\S+)$/gm;

export async function readEtcdCounts(etcdUrl: string): Promise<EtcdCounts> {
  const text = await (await fetch(`${etcdUrl}/metrics`)).text();
  const out = {} as EtcdCounts;
  for (const [k, re] of Object.entries(SERIES) as [Counted, RegExp][]) out[k] = Number(re.exec(text)?.[1] ?? Number.NaN);
  let requests = 0;
  for (const m of text.matchAll(UNARY_STARTED)) requests += Number(m[1]);
  out.requests = requests;
  let kvRequests: number | undefined;
  let kvSeconds = 0;
  for (const m of text.matchAll(KV_HANDLING)) {
    if (m[1] === 'count') kvRequests = (kvRequests ?? 0) + Number(m[2]);
    else kvSeconds += Number(m[2]);
  }
  if (kvRequests !== undefined) Object.assign(out, { kvRequests, kvSeconds });
  return out;
}

export function perItem(before: EtcdCounts, after: EtcdCounts, items: number): EtcdCounts {
  const d = (k: keyof EtcdCounts): number => ((after[k] ?? Number.NaN) - (before[k] ?? Number.NaN)) / Math.max(1, items);
  const out: EtcdCounts = { requests: d('requests'), range: d('range'), txn: d('txn'), put: d('put'), delete: d('delete'), fsync: d('fsync') };
  if (before.kvRequests !== undefined && after.kvRequests !== undefined) Object.assign(out, { kvRequests: d('kvRequests'), kvSeconds: d('kvSeconds') });
  return out;
}
