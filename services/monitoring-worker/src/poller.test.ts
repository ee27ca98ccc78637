/**
 * The worker end to end on real servers: jobs register targets in etcd, the poller polls
 * the device simulator over SNMP (UDP) and writes /monitoring; nats-server and etcd come
 * from @esi/local-stack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSimulatorConfig, Simulator } from '@esi/device-simulator';
import { events } from '@esi/contracts';
import { Poller } from './poller.js';
import { ItemProbe } from './probe.js';
import { SnmpProbe } from './snmp-probe.js';
import { log, startHarness, waitFor, type Harness } from './test-harness.js';

const INTERVAL = 400;
/** How long a test waits for a change to be written: generous, for a loaded machine. */
const CHANGE_DEADLINE_MS = 15_000;
let h: Harness;
let sim: Simulator;
let poller: Poller;
let snmpPort: number;

const LP_TEMPLATE = [
  'logical_port:',
  '  type: logical_port',
  '  community_name: {{ community_name }}',
  '  device_ip: {{ device_ip }}',
  '  name: {{ name }}',
  '{% if hold %}  hold_options: {{ hold }}{% endif %}',
  '',
].join('\n');

beforeAll(async () => {
  h = await startHarness();
  sim = await Simulator.start(
    parseSimulatorConfig({
      devices: [
        { name: 'qfx', communities: ['ESE_NODE_COMMUNITY'], interfaces: ['xe-0/0/3', 'xe-0/0/4', 'xe-0/0/3.1025', 'xe-0/0/4.1025', 'xe-0/0/5.7'] },
        { name: 'mute', interfaces: ['xe-0/0/1'] },
      ],
    }),
    { controlPort: null },
  );
  snmpPort = sim.device('qfx').port;
  await h.putTemplate('ese_logical_port_monitoring', LP_TEMPLATE);
  await h.putTemplate(
    'ese_device_monitoring',
    'switch:\n  type: switch\n  ip: {{ device_ip }}\n  community_name: {{ community_name }}\n  mibs: []\n{% if hold %}  hold_options: {{ hold }}\n{% endif %}',
  );
  await h.putTemplate(
    'two_ports_monitoring',
    '{% for n in names %}{{ n.item }}:\n  type: physical_port\n  device_ip: {{ device_ip }}\n  community_name: ESE_NODE_COMMUNITY\n  name: {{ n.name }}\n{% endfor %}',
  );
  // An answer has a second to come: on a loaded core a 150 ms limit took a live agent for
  // an unreachable one.
  const snmp = new SnmpProbe({ defaultPort: snmpPort, timeoutMs: 1_000, retries: 0, ifIndexTtlMs: 60_000, log });
  poller = new Poller({ store: h.store, publisher: h.publisher, probe: new ItemProbe(snmp), log, intervalMs: INTERVAL, concurrency: 8 });
  poller.start();
}, 60_000);

afterAll(async () => {
  await poller?.stop();
  await sim?.stop();
  await h?.stop();
});

const lpParams = (name: string, extra: Record<string, unknown> = {}) => ({ community_name: 'ESE_NODE_COMMUNITY', device_ip: '127.0.0.1', name, ...extra });

async function seen(plural: string, id: string, want: Record<string, unknown>, timeoutMs = 10_000): Promise<number> {
  await waitFor(`${plural}/${id} = ${JSON.stringify(want)}`, async () => (JSON.stringify(await h.monitoring(plural, id)) === JSON.stringify(want) ? true : undefined), timeoutMs, 10);
  return Date.now();
}

describe('monitoring jobs and the SNMP poller', () => {
  it('reports state_monitoring and polls the interface: UP → DOWN → UP, each seen by a later poll', async () => {
    const result = await h.run({ type: 'ese_logical_port', id: 'lp1', templateId: 'ese_logical_port_monitoring', params: lpParams('xe-0/0/4.1025') });
    expect(result.outcome).toBe(events.JobOutcome.JOB_OUTCOME_SUCCEEDED);
    expect(result.result).toEqual({ state_monitoring: { logical_port: 'ACTIVE' } });
    await seen('ese_logical_ports', 'lp1', { logical_port: 'UP', version: 1 });

    // Two intervals on an idle machine; the deadline is generous because a busy core
    // delays polls, and how quickly is the bench's question, not this test's.
    let t0 = Date.now();
    sim.setStatus('xe-0/0/4.1025', 'down');
    const down = (await seen('ese_logical_ports', 'lp1', { logical_port: 'DOWN', version: 1 }, CHANGE_DEADLINE_MS)) - t0;
    t0 = Date.now();
    sim.setStatus('xe-0/0/4.1025', 'up');
    const up = (await seen('ese_logical_ports', 'lp1', { logical_port: 'UP', version: 1 }, CHANGE_DEADLINE_MS)) - t0;
    console.log(`[poller] a status change seen after ${down} ms (DOWN) and ${up} ms (UP), polling every ${INTERVAL} ms`);
    // Each write is announced on esi.monitoring.<type>.<id> right after it.
    const announced = () => h.changes.filter((c) => c.resourceId === 'lp1').map((c) => c.status?.logical_port);
    await waitFor('three announcements', async () => (announced().length >= 3 ? true : undefined), 2_000);
    expect(announced()).toEqual(['UP', 'DOWN', 'UP']);
  });

  it('writes only on change', async () => {
    await h.run({ type: 'ese_logical_port', id: 'lp-steady', templateId: 'ese_logical_port_monitoring', params: lpParams('xe-0/0/3.1025') });
    await seen('ese_logical_ports', 'lp-steady', { logical_port: 'UP', version: 1 });
    const rev = (await h.store.getString('/monitoring/v2.0/ese_logical_ports/lp-steady'))!.modRevision;
    await new Promise((r) => setTimeout(r, 3 * INTERVAL));
    expect((await h.store.getString('/monitoring/v2.0/ese_logical_ports/lp-steady'))!.modRevision).toBe(rev);
  });

  it('holds a non-positive status until time_seconds has passed', async () => {
    sim.setStatus('xe-0/0/5.7', 'down');
    // Long enough that a busy machine's slow job still leaves the check below inside it.
    const hold = { positive_status: ['UP'], time_seconds: 5 };
    const registered = Date.now();
    await h.run({ type: 'ese_logical_port', id: 'lp-held', templateId: 'ese_logical_port_monitoring', params: lpParams('xe-0/0/5.7', { hold }) });
    // Polled DOWN every interval (INTERVAL) but not written while the target is young.
    await new Promise((r) => setTimeout(r, 1_500));
    const checkedAt = Date.now();
    expect(await h.monitoring('ese_logical_ports', 'lp-held')).toBeUndefined();
    expect(checkedAt - registered, 'the check must fall inside the hold to mean anything').toBeLessThan(5_000);
    const at = await seen('ese_logical_ports', 'lp-held', { logical_port: 'DOWN', version: 1 }, CHANGE_DEADLINE_MS);
    expect(at - registered).toBeGreaterThanOrEqual(5_000);
  });

  it('a positive status written ends the hold: later statuses are written at once', async () => {
    sim.setStatus('xe-0/0/3', 'up');
    const hold = { positive_status: ['UP'], time_seconds: 600 };
    await h.run({ type: 'ese_physical_port', id: 'pp-hold', templateId: 'ese_logical_port_monitoring', params: lpParams('xe-0/0/3', { hold }) });
    await seen('ese_physical_ports', 'pp-hold', { logical_port: 'UP', version: 1 });
    sim.setStatus('xe-0/0/3', 'down');
    await seen('ese_physical_ports', 'pp-hold', { logical_port: 'DOWN', version: 1 }, CHANGE_DEADLINE_MS);
    sim.setStatus('xe-0/0/3', 'up');
  });

  it('an unreachable agent: UNREACHABLE once the hold allows, retried and UP when it answers again', async () => {
    const mute = sim.device('mute');
    mute.setResponding(false);
    const device_ip = `127.0.0.1:${mute.port}`;
    // The default hold of a switch (UP only, 30 s) keeps a young unreachable device out of /monitoring.
    await h.run({ type: 'ese_device', id: 'dev-young', templateId: 'ese_device_monitoring', params: { device_ip, community_name: 'any' } });
    await h.run({ type: 'ese_device', id: 'dev', templateId: 'ese_device_monitoring', params: { device_ip, community_name: 'any', hold: { time_seconds: 0 } } });
    await seen('ese_devices', 'dev', { switch: 'UNREACHABLE', version: 1 });
    expect(await h.monitoring('ese_devices', 'dev-young')).toBeUndefined();
    mute.setResponding(true);
    await seen('ese_devices', 'dev', { switch: 'UP', version: 1 }, CHANGE_DEADLINE_MS);
    await seen('ese_devices', 'dev-young', { switch: 'UP', version: 1 });
  });

  it('merges a resource’s items; a new version replaces its targets; delete removes the key', async () => {
    const names = [
      { item: 'port_a', name: 'xe-0/0/3' },
      { item: 'port_b', name: 'xe-0/0/4' },
    ];
    await h.run({ type: 'thing', id: 't1', templateId: 'two_ports_monitoring', params: { device_ip: '127.0.0.1', names } });
    await seen('things', 't1', { port_a: 'UP', port_b: 'UP', version: 1 });

    await h.run({ type: 'thing', id: 't1', version: 2, templateId: 'two_ports_monitoring', params: { device_ip: '127.0.0.1', names: [names[1]] } });
    await seen('things', 't1', { port_b: 'UP', version: 2 });
    expect([...(await h.store.getPrefix('/esi-monitoring/targets/things/t1/')).keys()]).toEqual(['/esi-monitoring/targets/things/t1/port_b']);

    const del = await h.run({ type: 'thing', id: 't1', version: 3, action: 'delete', templateId: 'two_ports_monitoring' });
    expect(del.result).toEqual({});
    expect((await h.store.getPrefix('/esi-monitoring/targets/things/t1/')).size).toBe(0);
    await waitFor('/monitoring/v2.0/things/t1 deleted', async () => ((await h.monitoring('things', 't1')) === undefined ? true : undefined), CHANGE_DEADLINE_MS);
  });

  it('fails a job whose template does not render or whose item is bad, naming template and item', async () => {
    await h.putTemplate('bad_type_monitoring', 'probe:\n  type: ping\n');
    await h.putTemplate('missing_monitoring', 'port:\n  type: physical_port\n  device_ip: 127.0.0.1\n  community_name: c\n');
    await h.putTemplate('broken_monitoring', 'port: {% if %}\n');
    const failures = await Promise.all(
      ['bad_type_monitoring', 'missing_monitoring', 'broken_monitoring', 'absent_monitoring'].map((templateId, i) =>
        h.run({ type: 'thing', id: `bad${i}`, templateId }),
      ),
    );
    expect(failures.map((f) => f.outcome)).toEqual(Array(4).fill(events.JobOutcome.JOB_OUTCOME_FAILED));
    expect(failures.map((f) => f.error)).toEqual([
      'monitoring template bad_type_monitoring: monitoring item probe has unknown type "ping"',
      'monitoring template missing_monitoring: monitoring item port (physical_port) lacks name',
      expect.stringMatching(/^monitoring template broken_monitoring: Template rendering failed/),
      'monitoring template absent_monitoring not found',
    ]);
    expect((await h.store.getPrefix('/esi-monitoring/targets/things/bad')).size).toBe(0);
  });
});
