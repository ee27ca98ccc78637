/**
 * Counts etcd's work from its Prometheus endpoint (the client URL's /metrics): reads,
 * transactions, puts, deletes and WAL fsyncs, so a phase can say how many of each one
 * resource cost.
 */
export interface EtcdCounts {
  range: number;
  txn: number;
  put: number;
  delete: number;
  fsync: number;
}

const SERIES: Record<keyof EtcdCounts, RegExp> = {
  range: /^etcd_debugging_mvcc_range_total (\S+)$/m,
  txn: /^etcd_debugging_mvcc_txn_total (\S+)$/m,
  put: /^etcd_debugging_mvcc_put_total (\S+)$/m,
  delete: /^etcd_debugging_mvcc_delete_total (\S+)$/m,
  fsync: /^etcd_disk_wal_fsync_duration_seconds_count (\S+)$/m,
};

export async function readEtcdCounts(etcdUrl: string): Promise<EtcdCounts> {
  const text = await (await fetch(`${etcdUrl}/metrics`)).text();
  const out = {} as EtcdCounts;
  for (const [k, re] of Object.entries(SERIES) as [keyof EtcdCounts, RegExp][]) out[k] = Number(re.exec(text)?.[1] ?? Number.NaN);
  return out;
}

export function perItem(before: EtcdCounts, after: EtcdCounts, items: number): EtcdCounts {
  const d = (k: keyof EtcdCounts): number => (after[k] - before[k]) / Math.max(1, items);
  return { range: d('range'), txn: d('txn'), put: d('put'), delete: d('delete'), fsync: d('fsync') };
}
