/**
 * Scale: thousands of targets on many simulated devices plus one dead device. Every
 * device is checked once per cycle (one walk, batched gets), at most `concurrency` at a
 * time, and a resource is written as soon as its own device answered, so the dead device
 * costs its timeout only to the resources it carries. ESI_SCALE_TARGETS sets the size
 * (default 2000); the figures are printed for the README.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitoringTargetKey } from '@esi/contracts';
import { parseSimulatorConfig, Simulator } from '@esi/device-simulator';
import { Poller } from './poller.js';
import { ItemProbe } from './probe.js';
import { SnmpProbe } from './snmp-probe.js';
import type { Target } from './targets.js';
import { log, startHarness, waitFor, type Harness } from './test-harness.js';

const TARGETS = Number(process.env.ESI_SCALE_TARGETS ?? 2000);
const DEVICES = 10;
const PER_DEVICE = Math.ceil(TARGETS / DEVICES);
const DEAD_TARGETS = 100;
/** A cycle waits this long for its devices; the dead device's check (TIMEOUT) outlives it. */
const CYCLE = Math.max(1_000, TARGETS / 2);
const TIMEOUT = 3 * CYCLE;

let h: Harness;
let sim: Simulator;
let poller: Poller;
const ifName = (i: number): string => `xe-0/${Math.floor(i / 48)}/${i % 48}.${1000 + i}`;

beforeAll(async () => {
  h = await startHarness();
  sim = await Simulator.start(
    parseSimulatorConfig({
      devices: [
        ...Array.from({ length: DEVICES }, (_, d) => ({ name: `d${d}`, interfaces: Array.from({ length: PER_DEVICE }, (_, i) => ifName(i)) })),
        { name: 'dead', interfaces: Array.from({ length: DEAD_TARGETS }, (_, i) => ifName(i)) },
      ],
    }),
    { controlPort: null },
  );
  sim.device('dead').setResponding(false);
  const targets: Target[] = [];
  const add = (device: string, i: number): void => {
    const id = `${device}-${i}`;
    targets.push({
      resource_type: 'ese_logical_port',
      plural: 'ese_logical_ports',
      resource_id: id,
      item: 'logical_port',
      version: 1,
      properties: { type: 'logical_port', device_ip: `127.0.0.1:${sim.device(device).port}`, community_name: 'c', name: ifName(i) },
      registered_at_ms: Date.now(),
    });
  };
  for (let d = 0; d < DEVICES; d++) for (let i = 0; i < PER_DEVICE; i++) add(`d${d}`, i);
  for (let i = 0; i < DEAD_TARGETS; i++) add('dead', i);
  // Registered in bulk (etcd allows 128 operations per transaction); jobs are tested elsewhere.
  for (let b = 0; b < targets.length; b += 100) {
    await h.store.txn(
      [],
      targets.slice(b, b + 100).map((t) => ({ put: monitoringTargetKey(t.plural, t.resource_id, t.item), value: JSON.stringify(t) })),
    );
  }
  const snmp = new SnmpProbe({ defaultPort: 161, timeoutMs: TIMEOUT, retries: 0, ifIndexTtlMs: 600_000, log });
  poller = new Poller({ store: h.store, publisher: h.publisher, probe: new ItemProbe(snmp), log, intervalMs: 60_000, concurrency: 32, firstPollDelayMs: 0, maxCycleMs: CYCLE });
}, 120_000);

afterAll(async () => {
  await poller?.stop();
  await sim?.stop();
  await h?.stop();
});

describe(`poller scale: ${DEVICES * PER_DEVICE} targets on ${DEVICES} devices + ${DEAD_TARGETS} on a dead device`, () => {
  it('polls them all, and a dead device delays neither the others’ writes nor the next cycle', async () => {
    const firstStarted = Date.now();
    const first = await poller.pollOnce();
    expect(first.targets).toBe(DEVICES * PER_DEVICE + DEAD_TARGETS);
    expect(first.devices).toBe(DEVICES + 1);
    await poller.settled();
    const live = await h.store.getPrefix('/monitoring/v2.0/ese_logical_ports/');
    // Dead ports stay held (ports write only UP/DOWN in their first 30 s): nothing to write for them.
    expect(live.size).toBe(DEVICES * PER_DEVICE);
    const firstAll = Date.now() - firstStarted;

    // A steady cycle writes nothing, ends at its budget while the dead device is still
    // being asked, and the cycle after skips that device instead of waiting for it.
    const steady = await poller.pollOnce();
    expect(steady).toMatchObject({ written: 0, devices: DEVICES + 1 });
    // At least the dead device's resources are still open when the budget ends (on a busy
    // machine some live ones may be too; they finish in the background all the same).
    expect(steady.pending).toBeGreaterThanOrEqual(DEAD_TARGETS);
    expect(steady.ms).toBeLessThan(TIMEOUT);
    const flipped = Array.from({ length: DEVICES }, (_, d) => `d${d}-7`);
    for (let d = 0; d < DEVICES; d++) sim.device(`d${d}`).setStatus(ifName(7), 'down');
    const started = Date.now();
    const next = await poller.pollOnce();
    // The dead device, still being asked, is skipped rather than waited for. Whether the
    // live devices' writes land inside the cycle's budget or just after it (a loaded core:
    // once, all 2000 were still pending at 1 s) is the machine's speed, not the dead
    // device's doing: the writes are checked where they land, below.
    expect(next).toMatchObject({ devices: DEVICES, skipped: DEAD_TARGETS });
    expect(next.written + next.pending).toBeGreaterThanOrEqual(DEVICES);
    const visible = await waitFor(
      'flipped ports DOWN',
      async () => {
        const all = await Promise.all(flipped.map((id) => h.monitoring('ese_logical_ports', id)));
        return all.every((v) => v?.logical_port === 'DOWN') ? Date.now() - started : undefined;
      },
      Math.max(TIMEOUT, 30_000),
      10,
    );
    await poller.settled();
    console.log(
      `[scale] ${first.targets} targets on ${first.devices} devices: first cycle ended after ${first.ms} ms (budget ${CYCLE} ms), its ${DEVICES * PER_DEVICE} writes and the dead device done after ${firstAll} ms; ` +
        `steady cycle ${steady.ms} ms (dead device timeout ${TIMEOUT} ms left to the background); ` +
        `next cycle with the dead device busy ${next.ms} ms, ${DEVICES} changed ports visible after ${visible} ms`,
    );
    expect(next.ms).toBeLessThan(TIMEOUT);
  });
});
