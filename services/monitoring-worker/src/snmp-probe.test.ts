/** SnmpProbe over real UDP against the device simulator (net-snmp agent) and a garbage responder. */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSimulatorConfig, Simulator } from '@esi/device-simulator';
import { createLogger } from '@esi/telemetry';
import type { MonitoringItem } from './item-types.js';
import { SnmpProbe } from './snmp-probe.js';

let sim: Simulator;
let port: number;
const log = createLogger('test', 'silent');
const probe = (defaultPort = 1): SnmpProbe => new SnmpProbe({ defaultPort, timeoutMs: 150, retries: 0, ifIndexTtlMs: 60_000, log });
const lp = (name: string, extra: Partial<MonitoringItem> = {}): MonitoringItem => ({
  type: 'logical_port',
  device_ip: `127.0.0.1:${port}`,
  community_name: 'ESE_NODE_COMMUNITY',
  name,
  ...extra,
});

beforeAll(async () => {
  sim = await Simulator.start(
    parseSimulatorConfig({
      devices: [
        {
          name: 'qfx',
          communities: ['ESE_NODE_COMMUNITY'],
          interfaces: ['xe-0/0/3', { name: 'xe-0/0/4.1025', status: 'down' }, ...Array.from({ length: 70 }, (_, i) => `ge-0/1/${i}`)],
        },
      ],
    }),
    { controlPort: null },
  );
  port = sim.device('qfx').port;
});

afterAll(async () => {
  await sim?.stop();
});

describe('SnmpProbe against the device simulator', () => {
  it('a switch answers: UP; ports by ifName → ifOperStatus: 1 is UP, anything else DOWN', async () => {
    const sw: MonitoringItem = { type: 'switch', ip: '127.0.0.1', community_name: 'ESE_NODE_COMMUNITY' };
    expect(await probe(port).check([sw, lp('xe-0/0/3'), lp('xe-0/0/4.1025', { type: 'physical_port' })])).toEqual(['UP', 'UP', 'DOWN']);
    sim.setStatus('xe-0/0/3', 'lowerLayerDown');
    expect(await probe(port).check([lp('xe-0/0/3')])).toEqual(['DOWN']);
    sim.setStatus('xe-0/0/3', 'up');
  });

  it('checks many ports of a device in batches', async () => {
    const names = Array.from({ length: 70 }, (_, i) => `ge-0/1/${i}`);
    sim.setStatus('ge-0/1/65', 'down');
    const got = await probe().check(names.map((n) => lp(n)));
    expect(got.filter((s) => s === 'UP')).toHaveLength(69);
    expect(got[65]).toBe('DOWN');
  });

  it('an interface the device does not have is UNKNOWN; one added later is found on the next check', async () => {
    const p = probe();
    expect(await p.check([lp('xe-0/0/9.77'), lp('xe-0/0/3')])).toEqual(['UNKNOWN', 'UP']);
    sim.device('qfx').setStatus('xe-0/0/9.77', 'up');
    expect(await p.check([lp('xe-0/0/9.77')])).toEqual(['UP']);
  });

  it('a device that does not answer is UNREACHABLE: dropped requests, a wrong community, a closed port', async () => {
    sim.device('qfx').setResponding(false);
    expect(await probe().check([lp('xe-0/0/3'), lp('xe-0/0/4.1025')])).toEqual(['UNREACHABLE', 'UNREACHABLE']);
    sim.device('qfx').setResponding(true);
    expect(await probe().check([lp('xe-0/0/3', { community_name: 'wrong' })])).toEqual(['UNREACHABLE']);
    const closed = dgram.createSocket('udp4');
    await new Promise<void>((r) => closed.bind(0, '127.0.0.1', () => r()));
    const closedPort = closed.address().port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await probe().check([{ type: 'router', ip: `127.0.0.1:${closedPort}`, community_name: 'c' }])).toEqual(['UNREACHABLE']);
    // Answers again on the next check.
    expect(await probe().check([lp('xe-0/0/3')])).toEqual(['UP']);
  });

  it('a device that answers garbage is reported UNKNOWN, and the probe carries on', async () => {
    const garbage = dgram.createSocket('udp4');
    garbage.on('message', (_msg, rinfo) => garbage.send(Buffer.from('not an SNMP packet'), rinfo.port, rinfo.address));
    await new Promise<void>((r) => garbage.bind(0, '127.0.0.1', () => r()));
    try {
      const item: MonitoringItem = { type: 'switch', ip: `127.0.0.1:${garbage.address().port}`, community_name: 'c' };
      expect(await probe().check([item, lp('xe-0/0/3', { device_ip: `127.0.0.1:${garbage.address().port}` })])).toEqual(['UNKNOWN', 'UNKNOWN']);
    } finally {
      garbage.close();
    }
    expect(await probe().check([lp('xe-0/0/3')])).toEqual(['UP']);
  });
});
