/**
 * Teaches the local stack's device simulator every interface the monitoring-worker is
 * told to poll, so a build the simulator was not configured for (a replayed recording,
 * `esictl build` of one's own file) comes UP as it did on real devices instead of
 * UNKNOWN. It reads the rendered monitoring items where the worker keeps them
 * (/esi-monitoring/targets/…, read-only here) and adds each port item's `name` to the
 * simulated device through the control API. With ESI_DEVICE_ADDRESS_MAP `*=` the
 * simulator, every device address lands on that one device, so names are all it needs.
 * Interfaces it already serves are left alone: a status set by hand or by a test stays.
 */
import { Etcd3, type Watcher } from 'etcd3';
import { KEY_PREFIX } from '@esi/contracts';

/** Item types polled by ifName (the monitoring-worker's snmp-port items). */
const PORT_ITEM_TYPES = new Set(['physical_port', 'logical_port']);

export interface SimulatorLearner {
  /** Resolves once every interface seen so far is served. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function learnInterfacesFromTargets(opts: {
  etcdEndpoints: string;
  controlUrl: string;
  device: string;
  known: Iterable<string>;
  onError?: (err: Error) => void;
}): Promise<SimulatorLearner> {
  const known = new Set(opts.known);
  let chain = Promise.resolve();
  const learn = (raw: Buffer): void => {
    const name = portNameOf(raw.toString());
    if (name === undefined || known.has(name)) return;
    known.add(name);
    chain = chain.then(() =>
      addInterface(opts.controlUrl, opts.device, name).catch((err: Error) => {
        known.delete(name);
        opts.onError?.(err);
      }),
    );
  };
  const etcd = new Etcd3({ hosts: opts.etcdEndpoints.split(',') });
  let watcher: Watcher | undefined;
  try {
    const existing = await etcd.getAll().prefix(KEY_PREFIX.monitoringTargets).exec();
    for (const kv of existing.kvs) learn(kv.value);
    watcher = await etcd
      .watch()
      .prefix(KEY_PREFIX.monitoringTargets)
      .startRevision(String(Number(existing.header.revision) + 1))
      .create();
    watcher.on('put', (kv) => learn(kv.value));
    // The etcd client reconnects the watch by itself; an error here is only reported.
    watcher.on('error', (err: Error) => opts.onError?.(err));
  } catch (err) {
    etcd.close();
    throw err;
  }
  return {
    settled: () => chain,
    async stop() {
      await watcher?.cancel().catch(() => undefined);
      await chain;
      etcd.close();
    },
  };
}

function portNameOf(raw: string): string | undefined {
  try {
    const t = JSON.parse(raw) as { properties?: { type?: unknown; name?: unknown } };
    const p = t.properties;
    return p && PORT_ITEM_TYPES.has(String(p.type)) && typeof p.name === 'string' && p.name !== '' ? p.name : undefined;
  } catch {
    return undefined;
  }
}

async function addInterface(controlUrl: string, device: string, name: string): Promise<void> {
  const url = `${controlUrl}/devices/${encodeURIComponent(device)}/interfaces/${encodeURIComponent(name)}`;
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'up' }) });
  if (!res.ok) throw new Error(`device simulator refused interface ${name}: ${res.status} ${await res.text()}`);
}
