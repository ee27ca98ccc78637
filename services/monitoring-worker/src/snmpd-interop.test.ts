/**
 * Interoperability with an independent agent: Debian's net-snmp `snmpd`, started here on
 * a free loopback UDP port with a generated config, polled for its `lo` interface.
 * Skipped (with the reason) only when snmpd is not on PATH; .ci/run installs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBinary } from '@esi/test-servers';
import { createLogger } from '@esi/telemetry';
import type { MonitoringItem } from './item-types.js';
import { SnmpProbe } from './snmp-probe.js';

const haveSnmpd = hasBinary('snmpd');
const COMMUNITY = 'esi-interop';
let snmpd: ChildProcess | undefined;
let port = 0;
const probe = (): SnmpProbe => new SnmpProbe({ defaultPort: port, timeoutMs: 300, retries: 0, ifIndexTtlMs: 60_000, log: createLogger('test', 'silent') });
const lo = (extra: Partial<MonitoringItem> = {}): MonitoringItem => ({ type: 'physical_port', device_ip: '127.0.0.1', community_name: COMMUNITY, name: 'lo', ...extra });

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

beforeAll(async () => {
  if (!haveSnmpd) return;
  const dir = mkdtempSync(join(tmpdir(), 'esi-snmpd-'));
  port = await freeUdpPort();
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(conf, [`agentAddress udp:127.0.0.1:${port}`, `rocommunity ${COMMUNITY} 127.0.0.1`, 'sysName esi-interop', 'dontLogTCPWrappersConnects yes', ''].join('\n'));
  // -C: only our config; no MIB files needed (numeric OIDs); state kept in the temp folder.
  snmpd = spawn('snmpd', ['-f', '-C', '-c', conf, '-Lf', join(dir, 'snmpd.log'), '-p', join(dir, 'snmpd.pid'), '-m', '', '-M', dir], {
    env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'state') },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 15_000;
  const sw: MonitoringItem = { type: 'switch', ip: '127.0.0.1', community_name: COMMUNITY };
  while ((await probe().check([sw]))[0] !== 'UP') {
    if (snmpd.exitCode !== null || Date.now() > deadline) throw new Error(`snmpd did not answer on 127.0.0.1:${port}; see ${dir}/snmpd.log`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  if (!snmpd || snmpd.exitCode !== null) return;
  const exited = new Promise((r) => snmpd!.once('exit', r));
  snmpd.kill('SIGTERM');
  await exited;
});

describe.skipIf(!haveSnmpd)('SNMP against Debian snmpd (skipped: snmpd is not on PATH; apt-get install snmpd)', () => {
  it('reads lo by ifName → ifOperStatus as UP, and the agent as reachable', async () => {
    const router: MonitoringItem = { type: 'router', ip: `127.0.0.1:${port}`, community_name: COMMUNITY };
    expect(await probe().check([router, lo(), lo({ type: 'logical_port' })])).toEqual(['UP', 'UP', 'UP']);
  });

  it('an interface snmpd does not have is UNKNOWN; a wrong community is UNREACHABLE', async () => {
    expect(await probe().check([lo({ name: 'xe-0/0/4.1025' })])).toEqual(['UNKNOWN']);
    expect(await probe().check([lo({ community_name: 'not-the-community' })])).toEqual(['UNREACHABLE']);
  });
});
