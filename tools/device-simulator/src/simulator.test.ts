/** The simulator over real UDP (read with net-snmp's client) and its HTTP control API. */
import dgram from 'node:dgram';
import snmp from 'net-snmp';
import type { Varbind } from 'net-snmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSimulatorConfig } from './config.js';
import { ControlRequestError, listDevices, setInterfaceStatus, setResponding } from './control-client.js';
import { BindError } from './errors.js';
import { Simulator } from './simulator.js';

const IF_NAME = '1.3.6.1.2.1.31.1.1.1.1';
const IF_OPER = '1.3.6.1.2.1.2.2.1.8';
let sim: Simulator;
let url: string;

beforeAll(async () => {
  sim = await Simulator.start(
    parseSimulatorConfig({
      devices: [
        { name: 'qfx', communities: ['ESE_NODE_COMMUNITY'], sysName: 'QFX-LAB01', interfaces: ['xe-0/0/3', 'xe-0/0/4.1025'] },
        { name: 'mx', interfaces: ['ae0', 'xe-0/0/4.1025'] },
      ],
    }),
  );
  url = sim.controlUrl!;
});

afterAll(async () => {
  await sim?.stop();
});

function session(device: string, community = 'ESE_NODE_COMMUNITY'): snmp.Session {
  return snmp.createSession('127.0.0.1', community, { port: sim.device(device).port, version: snmp.Version2c, timeout: 200, retries: 0 });
}

async function get(device: string, oids: string[], community?: string): Promise<Varbind[]> {
  const s = session(device, community);
  try {
    return await new Promise((resolve, reject) => s.get(oids, (err, vbs) => (err ? reject(err) : resolve(vbs ?? []))));
  } finally {
    s.close();
  }
}

async function walk(device: string, oid: string): Promise<[string, string][]> {
  const s = session(device);
  const rows: [string, string][] = [];
  try {
    await new Promise<void>((resolve, reject) =>
      s.subtree(
        oid,
        (vbs) => void rows.push(...vbs.map((v): [string, string] => [v.oid, String(v.value)])),
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  } finally {
    s.close();
  }
  return rows;
}

describe('device simulator', () => {
  it('serves the system group and IF-MIB ifName / ifOperStatus per device', async () => {
    expect(await walk('qfx', IF_NAME)).toEqual([
      [`${IF_NAME}.1`, 'xe-0/0/3'],
      [`${IF_NAME}.2`, 'xe-0/0/4.1025'],
    ]);
    const [upTime, name, oper] = await get('qfx', ['1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.5.0', `${IF_OPER}.2`]);
    expect(upTime!.type).toBe(snmp.ObjectType.TimeTicks);
    expect(String(name!.value)).toBe('QFX-LAB01');
    expect(oper!.value).toBe(1);
  });

  it('answers only its communities; a device without communities answers any', async () => {
    await expect(get('qfx', [`${IF_OPER}.1`], 'public')).rejects.toMatchObject({ name: 'RequestTimedOutError' });
    expect((await get('mx', [`${IF_OPER}.1`], 'anything'))[0]!.value).toBe(1);
  });

  it('changes interface status over HTTP, on one device or on every device serving the name', async () => {
    expect(await setInterfaceStatus(url, 'xe-0/0/4.1025', 'down', 'qfx')).toMatchObject({ name: 'xe-0/0/4.1025', ifIndex: 2, statusName: 'down' });
    expect((await get('qfx', [`${IF_OPER}.2`]))[0]!.value).toBe(2);
    expect((await get('mx', [`${IF_OPER}.2`]))[0]!.value).toBe(1);
    expect(await setInterfaceStatus(url, 'xe-0/0/4.1025', 'lowerLayerDown')).toHaveLength(2);
    expect((await get('mx', [`${IF_OPER}.2`]))[0]!.value).toBe(7);
    await setInterfaceStatus(url, 'xe-0/0/4.1025', 'up');
    const devices = await listDevices(url);
    expect(devices.map((d) => d.interfaces.find((i) => i.name === 'xe-0/0/4.1025')?.statusName)).toEqual(['up', 'up']);
  });

  it('adds an interface set on a device that lacked it', async () => {
    await setInterfaceStatus(url, 'xe-0/0/9.300', 'up', 'qfx');
    expect((await walk('qfx', IF_NAME)).map(([, n]) => n)).toEqual(['xe-0/0/3', 'xe-0/0/4.1025', 'xe-0/0/9.300']);
  });

  it('a device told not to respond drops requests, then answers again', async () => {
    await setResponding(url, 'qfx', false);
    await expect(get('qfx', ['1.3.6.1.2.1.1.5.0'])).rejects.toMatchObject({ name: 'RequestTimedOutError' });
    await setResponding(url, 'qfx', true);
    expect(String((await get('qfx', ['1.3.6.1.2.1.1.5.0']))[0]!.value)).toBe('QFX-LAB01');
  });

  it('refuses unknown devices, interfaces and statuses with the reason', async () => {
    await expect(setInterfaceStatus(url, 'nope', 'down')).rejects.toThrow(/404 no device serves interface nope/);
    await expect(setInterfaceStatus(url, 'ae0', 'down', 'ghost')).rejects.toThrow(/404 no device ghost/);
    await expect(setInterfaceStatus(url, 'ae0', 'sideways', 'mx')).rejects.toThrow(/400 interface status "sideways"/);
    await expect(setInterfaceStatus(url, 'ae0', 'down', 'mx')).resolves.toMatchObject({ status: 2 });
    const err = await setResponding('http://127.0.0.1:1', 'qfx', true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlRequestError);
    expect((err as ControlRequestError).retryable).toBe(true);
  });

  it('a UDP port already taken fails the start with a BindError', async () => {
    const taken = dgram.createSocket('udp4');
    await new Promise<void>((r) => taken.bind(0, '127.0.0.1', () => r()));
    try {
      await expect(Simulator.start(parseSimulatorConfig({ devices: [{ name: 'x', port: taken.address().port }] }))).rejects.toBeInstanceOf(BindError);
    } finally {
      taken.close();
    }
  });
});
