/**
 * No packet leaves the box: the monitoring-worker probes a device only where
 * ESI_DEVICE_ADDRESS_MAP sends it and only when ESI_DEVICE_ALLOW permits the place.
 * A real stack (nats-server, etcd, the five services) polls four switches over real SNMP:
 *
 * - 10.0.0.1, mapped to a device simulator on 127.0.0.1 → answered there, UP;
 * - 127.0.0.1, not mapped, allowed → probed at ESI_SNMP_PORT, where a plain UDP socket
 *   listens and never answers (UNREACHABLE): the control that shows the trap would see
 *   a probe if one were sent;
 * - 127.0.0.2, not mapped, outside the allow-list → a UDP socket listening on the same
 *   port there receives nothing; the item is UNKNOWN and the log says why, once;
 * - 10.0.0.9, not mapped, outside the allow-list → UNKNOWN (a probe would have been
 *   UNREACHABLE: no route in CI's loopback-only namespace, a timeout elsewhere).
 *
 * And a worker with a bad map or allow-list does not start, naming the variable.
 */
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExampleBuild, loadTemplates } from '@esi/catalog';
import { createResource, putTemplate, resourceClient, type ResourceClient } from '@esi/client';
import { REPO_ROOT, startDeviceSimulator, startService, startStack, type Stack } from '@esi/local-stack';
import { type RunningServer } from '@esi/test-servers';
import { waitFor } from '../support/wait.js';

const POLL_MS = 300;
let sim: RunningServer;
let stack: Stack;
let client: ResourceClient;
let etcd: Etcd3;
const traps: { socket: dgram.Socket; received: number }[] = [];
let allowedTrap: { received: number };
let refusedTrap: { received: number };
const ids = new Map<string, string>();

async function trap(host: string, port: number): Promise<{ socket: dgram.Socket; received: number; port: number }> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => resolve());
  });
  const t = { socket, received: 0, port: socket.address().port };
  socket.on('message', () => void t.received++);
  traps.push(t);
  return t;
}

const monitoringOf = async (address: string): Promise<Record<string, unknown> | undefined> => {
  const raw = await etcd.get(`/monitoring/v2.0/ese_devices/${ids.get(address)}`).string();
  return raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
};

const workerLog = (): string => readFileSync(join(stack.dataDir, 'logs', 'monitoring-worker.log'), 'utf8');

beforeAll(async () => {
  // The simulator as the local stack runs it (a child process serving one device on loopback).
  sim = await startDeviceSimulator(mkdtempSync(join(tmpdir(), 'esi-no-packet-')), []);
  const allowed = await trap('127.0.0.1', 0);
  allowedTrap = allowed;
  // The same port on another loopback address: only the allow-list tells the two apart.
  refusedTrap = await trap('127.0.0.2', allowed.port);
  stack = await startStack({
    deviceSimulator: false,
    env: {
      ESI_POLL_INTERVAL_MS: String(POLL_MS),
      ESI_SNMP_PORT: String(allowed.port),
      ESI_SNMP_TIMEOUT_MS: '200',
      ESI_SNMP_RETRIES: '0',
      ESI_DEVICE_ADDRESS_MAP: `10.0.0.1=127.0.0.1:${sim.port}`,
      ESI_DEVICE_ALLOW: '127.0.0.1/32',
    },
  });
  client = resourceClient(stack.apiAddr);
  etcd = new Etcd3({ hosts: stack.etcdEndpoints });
  // A short hold, so a status other than UP is written within the test's time (the
  // default keeps a new switch from showing one for 30 s).
  const template = (await loadTemplates(join(REPO_ROOT, 'packages/catalog/templates'))).find((t) => t.id === 'ese_device_monitoring')!;
  const body = template.body as { template_file: string };
  await putTemplate(client, { ...body, template_file: `${body.template_file}  hold_options: {positive_status: [UP], time_seconds: 1}\n` });
  const device = loadExampleBuild().find((r) => r.type === 'ese_device')!.body;
  for (const address of ['10.0.0.1', '127.0.0.1', '127.0.0.2', '10.0.0.9']) {
    const res = await createResource(client, 'ese_device', { ...device, name: `sw-${address}`, hostname: `sw-${address}`, management_ip_address: address, tenant_id: 'infra' });
    ids.set(address, (JSON.parse(res.resource!.bodyJson) as { id: string }).id);
  }
}, 120_000);

afterAll(async () => {
  client?.close();
  etcd?.close();
  await stack?.stop();
  await sim?.stop();
  for (const t of traps) t.socket.close();
});

describe('devices are probed only where the address map sends them and the allow-list permits', () => {
  it('a device mapped to the simulator is probed there and comes UP', async () => {
    const m = await waitFor('10.0.0.1 UP', async () => ((await monitoringOf('10.0.0.1'))?.switch === 'UP' ? true : undefined), 20_000);
    expect(m).toBe(true);
  });

  it('an allowed, unmapped device is probed where it says it is (the trap sees the probes)', async () => {
    await waitFor('127.0.0.1 UNREACHABLE', async () => ((await monitoringOf('127.0.0.1'))?.switch === 'UNREACHABLE' ? true : undefined), 20_000);
    expect(allowedTrap.received).toBeGreaterThan(0);
  });

  it('a device outside ESI_DEVICE_ALLOW is never probed: no packet, UNKNOWN, the reason logged once', async () => {
    for (const address of ['127.0.0.2', '10.0.0.9']) {
      await waitFor(`${address} UNKNOWN`, async () => ((await monitoringOf(address))?.switch === 'UNKNOWN' ? true : undefined), 20_000);
    }
    // Several more poll cycles, each of which would have probed it again.
    const probesBefore = allowedTrap.received;
    await waitFor('three more probes of the allowed trap', async () => (allowedTrap.received >= probesBefore + 3 ? true : undefined), 30_000, 50);
    expect(refusedTrap.received).toBe(0);
    const refusals = workerLog()
      .split('\n')
      .filter((l) => l.includes('not probed'));
    for (const address of ['127.0.0.2', '10.0.0.9']) {
      const lines = refusals.filter((l) => l.includes(`not probed: ${address}:`));
      expect(lines, address).toHaveLength(1);
      expect(lines[0]).toContain('outside ESI_DEVICE_ALLOW (127.0.0.1/32)');
    }
  });
});

describe('the monitoring-worker refuses to start with a bad map or allow-list', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['a map entry without "="', { ESI_DEVICE_ADDRESS_MAP: '10.0.0.1' }, /ESI_DEVICE_ADDRESS_MAP="10\.0\.0\.1": entry "10\.0\.0\.1" is not from=to/],
    ['a map target without a valid port', { ESI_DEVICE_ADDRESS_MAP: '*=127.0.0.1:0' }, /ESI_DEVICE_ADDRESS_MAP=.*no valid UDP port/],
    ['an allow-list entry that is no CIDR', { ESI_DEVICE_ALLOW: '10.0.0.0/33' }, /ESI_DEVICE_ALLOW="10\.0\.0\.0\/33": .*prefix length/],
    ['a map target the allow-list refuses', { ESI_DEVICE_ADDRESS_MAP: '*=10.0.0.5:161' }, /ESI_DEVICE_ADDRESS_MAP sends devices to 10\.0\.0\.5:161, which ESI_DEVICE_ALLOW .* does not allow/],
  ];
  for (const [what, env, message] of cases) {
    it(what, async () => {
      const logDir = join(stack.dataDir, 'logs', `refused-${what.replace(/\W+/g, '-')}`);
      const svc = startService('monitoring-worker', {
        env: { ...process.env, NATS_URL: stack.natsUrl, ETCD_ENDPOINTS: stack.etcdEndpoints, ...env },
        logDir,
        readyTimeoutMs: 30_000,
      });
      await expect(svc.ready).rejects.toThrow(/exited \(2\) before it was ready/);
      const said = readFileSync(join(logDir, 'monitoring-worker.log'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => String((JSON.parse(l) as { msg?: unknown }).msg));
      expect(said.join('\n')).toMatch(message);
    });
  }
});
