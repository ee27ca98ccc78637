/**
 * A conflict between partitions, driven through planChange as the planners run it (real
 * etcd, the real catalog): the planner of the port's partition computes the port's plan
 * from a view of the other partition's jobs; before its commit lands, the network's
 * planner stores an update of the network the port reads. The port's commit is refused
 * by its marks (partition-marks.ts), and planChange plans it again once its view of the
 * other partition's jobs has caught up: the port's heat job then waits for the network's,
 * as one planner would have made it, and the replan is counted.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStoredTemplate, loadRelations, loadResourceTypes, loadSchemas, loadTemplates, pluralOf, sharedTypesOf, typeOfPlural } from '@esi/catalog';
import { SLICES, configKey, partitionOf, stateKey, templateKey, type StoredJob } from '@esi/contracts';
import type { Publisher } from '@esi/messaging';
import { OwnedStore, type Expect, type WriteOp } from '@esi/store';
import { createLogger, metricsRegistry } from '@esi/telemetry';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { ConfigReader } from './config-reader.js';
import { ForeignJobs } from './foreign-jobs.js';
import { planChange, type PlanDeps } from './plan-change.js';
import { Partitions } from './partitions.js';
import { PendingJobs } from './pending-jobs.js';

let etcd: RunningServer;
let raw: Etcd3;
const stores: OwnedStore[] = [];
const views: ForeignJobs[] = [];
const log = createLogger('planner', 'silent');

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-partition-conflict-')));
  raw = new Etcd3({ hosts: etcd.url });
  for (const t of await loadTemplates()) await raw.put(templateKey(t.id)).value(encodeStoredTemplate(t.body));
});
afterAll(async () => {
  for (const v of views) await v.stop();
  for (const s of stores) s.close();
  raw?.close();
  await etcd?.stop();
});

/** The first id `${prefix}<n>` in partition `k` of two. */
function idIn(prefix: string, k: number): string {
  for (let n = 0; ; n++) if (partitionOf(`${prefix}${n}`, 2) === k) return `${prefix}${n}`;
}

const config = (version: number, body: Record<string, unknown>) => JSON.stringify({ version, body: JSON.stringify(body), marked_for_deletion: false });

/** esi_planner_replans_total for one reason, as /metrics would show it. */
async function replans(reason: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('esi_planner_replans_total')?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

/** A planner holding partition `k` of two: its own store, pending jobs and view of the other's jobs. */
async function plannerOf(k: number, wrap: (s: OwnedStore) => OwnedStore = (s) => s): Promise<PlanDeps> {
  const partitions = new Partitions(2);
  partitions.hold(k);
  const own = new OwnedStore([etcd.url], 'planner');
  stores.push(own);
  const store = wrap(own);
  const pending = new PendingJobs((job) => partitions.ownsJob(job));
  const loadedAt = await pending.load(store);
  const foreign = await ForeignJobs.start(store, pending, loadedAt, log, () => undefined);
  views.push(foreign);
  const types = loadResourceTypes();
  return {
    store,
    reader: new ConfigReader(store, pluralOf),
    pending,
    publisher: { publish: async () => undefined } as unknown as Publisher,
    log,
    relations: { current: loadRelations() },
    typeInfo: (t) => types[t],
    typeOfPlural,
    isShared: sharedTypesOf(loadSchemas()),
    plannedVersions: new Map(),
    partitions,
    foreign,
  };
}

/** The store, except that before the first commit of `recordKey` lands, `first` runs. */
function committingFirst(store: OwnedStore, recordKey: string, first: () => Promise<void>): OwnedStore {
  let done = false;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'txn') {
        return async (expects: Expect[], ops: WriteOp[]) => {
          if (!done && ops.some((o) => 'put' in o && o.put === recordKey)) {
            done = true;
            await first();
          }
          return target.txn(expects, ops);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('a conflict between partitions, through planChange', () => {
  it('refuses the port planned from a stale view, plans it again after the view caught up, and counts it', async () => {
    const net = idIn('pc-net-', 1);
    const port = idIn('pc-port-', 0);
    const netBody = { id: net, name: 'n', admin_state_up: false, tenant_id: 't1' };
    const portBody = { id: port, name: 'p', network_id: net, device_owner: 'compute:test', device_id: '', admin_state_up: true, tenant_id: 't1', fixed_ips: [], mac_address: 'fa:16:3e:00:00:01', tags: {} };
    // The network was created and settled long ago; the port is new.
    await raw.put(configKey('networks', net)).value(config(1, netBody));
    await raw.put(SLICES.plannerWorkflows.key('networks', net)).value(JSON.stringify({ version: 1, action: 'create', jobs: [], body: netBody }));
    await raw.put(stateKey('networks', net)).value(JSON.stringify({ version: 1, state: { worker_state: 'CREATE_COMPLETED' }, error: '' }));
    await raw.put(configKey('ports', port)).value(config(1, portBody));

    const ofNet = await plannerOf(1);
    let netPlanned: string | undefined;
    // Between the port's plan and its commit: the network is updated and its planner stores the update's jobs.
    const ofPort = await plannerOf(0, (s) =>
      committingFirst(s, SLICES.plannerWorkflows.key('ports', port), async () => {
        await raw.put(configKey('networks', net)).value(config(2, { ...netBody, name: 'n2' }));
        netPlanned = await planChange('network', net, { ...ofNet, reader: new ConfigReader(ofNet.store, pluralOf) });
      }),
    );

    const before = await replans('partition_conflict');
    expect(await planChange('port', port, ofPort)).toBe('planned');
    expect(netPlanned).toBe('planned');
    expect(await replans('partition_conflict'), 'the refused commit is counted').toBe(before + 1);

    const stored = async (type: string, id: string): Promise<StoredJob[]> => {
      const rows = await raw.getAll().prefix('/jobs/all/').strings();
      return Object.values(rows)
        .map((v) => SLICES.jobs.parse(v)?.[1])
        .filter((j): j is StoredJob => j !== undefined && j.resource_type === type && j.resource_id === id);
    };
    const netHeat = (await stored('network', net)).find((j) => j.handler === 'heat_worker');
    const portHeat = (await stored('port', port)).find((j) => j.handler === 'heat_worker');
    expect(netHeat, 'the network update’s heat job is stored').toBeDefined();
    expect(portHeat?.dependency, 'planned again, the port waits for the network’s job').toContain(netHeat!.id);
  });
});
