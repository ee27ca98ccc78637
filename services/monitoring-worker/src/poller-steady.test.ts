/**
 * What a cycle costs when little or nothing changed, at 20,000 targets on one device, on
 * real etcd and NATS: the device is still checked once per cycle, but a cycle with no
 * change makes no etcd request at all, and one change costs one write. Counted with the
 * store's own request counter (esi_etcd_requests_total), not with timings. The probe is
 * a stand-in whose statuses the test sets; SNMP is tested elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitoringKey, monitoringTargetKey } from '@esi/contracts';
import { OwnedStore, type WriteOp } from '@esi/store';
import { metricsRegistry } from '@esi/telemetry';
import type { MonitoringItem } from './item-types.js';
import { Poller, type PollStats } from './poller.js';
import type { Probe } from './probe.js';
import type { Target } from './targets.js';
import { log, startHarness, waitFor, type Harness } from './test-harness.js';

const TARGETS = 20_000;
const PLURAL = 'ese_physical_ports';

/** One device; every port UP but those named in `down`. Records each check's size. */
class OneDeviceProbe implements Probe {
  readonly down = new Set<string>();
  readonly checks: number[] = [];
  deviceKey(): string {
    return 'snmp://c@10.0.0.1:161';
  }
  async check(items: readonly MonitoringItem[]): Promise<string[]> {
    this.checks.push(items.length);
    return items.map((i) => (this.down.has(String(i.name)) ? 'DOWN' : 'UP'));
  }
}

let h: Harness;
let other: OwnedStore;
let poller: Poller;
const probe = new OneDeviceProbe();
const id = (i: number): string => `p${i}`;
const target = (i: number): Target => ({
  resource_type: 'ese_physical_port',
  plural: PLURAL,
  resource_id: id(i),
  item: 'port',
  version: 1,
  properties: { type: 'physical_port', device_ip: '10.0.0.1', community_name: 'c', name: `xe-0/0/${i}` },
  registered_at_ms: Date.now() - 3_600_000,
});
const targetOp = (t: Target): WriteOp => ({ put: monitoringTargetKey(t.plural, t.resource_id, t.item), value: JSON.stringify(t) });

/** esi_etcd_requests_total of this process, summed by operation. */
async function etcdRequests(): Promise<Record<string, number>> {
  const metric = await metricsRegistry.getSingleMetric('esi_etcd_requests_total')?.get();
  const out: Record<string, number> = {};
  for (const v of metric?.values ?? []) out[String(v.labels.op)] = (out[String(v.labels.op)] ?? 0) + v.value;
  return out;
}

/** A cycle, and the etcd requests made while it ran (nothing else in this process writes then). */
async function measuredCycle(): Promise<{ stats: PollStats; requests: Record<string, number> }> {
  const before = await etcdRequests();
  const stats = await poller.pollOnce();
  const after = await etcdRequests();
  const requests: Record<string, number> = {};
  for (const [op, n] of Object.entries(after)) if (n !== (before[op] ?? 0)) requests[op] = n - (before[op] ?? 0);
  return { stats, requests };
}

beforeAll(async () => {
  h = await startHarness();
  // Another replica of the worker, writing the same slices.
  other = new OwnedStore([h.etcdUrl], 'monitoring-worker');
  // Registered, and already monitored UP as this worker would have written it (a worker
  // restarted on a full etcd): etcd allows 128 operations per transaction.
  for (let b = 0; b < TARGETS; b += 50) {
    const ops: WriteOp[] = [];
    for (let i = b; i < b + 50; i++) {
      ops.push(targetOp(target(i)));
      ops.push({ put: monitoringKey(PLURAL, id(i)), value: JSON.stringify({ port: 'UP', version: 1 }) });
    }
    await h.store.txn([], ops);
  }
  poller = new Poller({ store: h.store, publisher: h.publisher, probe, log, intervalMs: 60_000, concurrency: 8, firstPollDelayMs: 0, maxCycleMs: 60_000 });
}, 120_000);

afterAll(async () => {
  await poller?.stop();
  other?.close();
  await h?.stop();
});

describe(`poller at ${TARGETS} targets on one device`, () => {
  it('a cycle with nothing changed makes no etcd request; one change costs one write', async () => {
    // The first cycle loads targets and values (paged reads) and looks at every resource once.
    const first = await measuredCycle();
    expect(first.stats).toMatchObject({ targets: TARGETS, devices: 1, evaluated: TARGETS, written: 0, deleted: 0 });
    expect(Object.keys(first.requests)).toEqual(['range']);

    const steady = await measuredCycle();
    expect(steady.stats).toMatchObject({ targets: TARGETS, devices: 1, evaluated: 0, written: 0, deleted: 0, pending: 0 });
    expect(steady.requests).toEqual({});
    // The device is still checked every cycle, once, with every port.
    expect(probe.checks).toEqual([TARGETS, TARGETS]);

    probe.down.add('xe-0/0/7');
    const change = await measuredCycle();
    expect(change.stats).toMatchObject({ evaluated: 1, written: 1, deleted: 0 });
    expect(change.requests).toEqual({ put: 1 });
    expect(await h.monitoring(PLURAL, id(7))).toEqual({ port: 'DOWN', version: 1 });
    await waitFor('announced', async () => (h.changes.some((c) => c.resourceId === id(7)) ? true : undefined), 5_000);

    const again = await measuredCycle();
    expect(again.stats).toMatchObject({ evaluated: 0, written: 0 });
    expect(again.requests).toEqual({});
  });

  it('follows what another replica writes: a removed target, a new one, an overwritten value', async () => {
    await other.delete(monitoringTargetKey(PLURAL, id(1), 'port'));
    await other.txn([], [targetOp(target(TARGETS))]);
    await other.putJson(monitoringKey(PLURAL, id(2)), { port: 'DOWN', version: 1 });
    // Cycles until the watches have delivered all three; cycles before that change nothing.
    const total = { evaluated: 0, written: 0, deleted: 0, reads: 0, writes: 0, deletes: 0 };
    await waitFor(
      'the three changes handled',
      async () => {
        const { stats, requests } = await measuredCycle();
        total.evaluated += stats.evaluated;
        total.written += stats.written;
        total.deleted += stats.deleted;
        total.reads += (requests.get ?? 0) + (requests.range ?? 0);
        total.writes += (requests.put ?? 0) + (requests.txn ?? 0);
        total.deletes += requests.delete ?? 0;
        return total.deleted === 1 && total.written === 2 ? true : undefined;
      },
      10_000,
      50,
    );
    // p1's key deleted, p20000 written, p2 set back to UP; nothing read. The two writes go
    // in one transaction when the same cycle makes both.
    expect(total).toMatchObject({ evaluated: 2, written: 2, deleted: 1, reads: 0, deletes: 1 });
    expect([1, 2]).toContain(total.writes);
    expect(await h.monitoring(PLURAL, id(1))).toBeUndefined();
    expect(await h.monitoring(PLURAL, id(2))).toEqual({ port: 'UP', version: 1 });
    expect(await h.monitoring(PLURAL, id(TARGETS))).toEqual({ port: 'UP', version: 1 });
  });
});
