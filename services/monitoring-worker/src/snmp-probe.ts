/**
 * Real SNMP v2c checks (esi-reference §5.3 plugin notes): switch/router items are UP when
 * the agent answers a get of sysUpTime and sysName; physical/logical port items walk
 * IF-MIB ifName to find the interface's ifIndex, then read ifOperStatus (1 → UP, any
 * other value → DOWN). Items of one device (address and community) are checked together
 * in one session: one walk, ifOperStatus of up to 32 ports per get, and one timeout when
 * the device is silent, so a dead device costs one timeout per poll, not one per port.
 */
import type { Logger } from '@esi/telemetry';
import type { Varbind } from 'net-snmp';
import { DeviceAllowList, DEFAULT_DEVICE_ALLOW } from './device-allow-list.js';
import { EMPTY_DEVICE_MAP, mapDeviceAddress, type DeviceAddressMap } from './device-address-map.js';
import { ITEM_TYPES, type MonitoringItem } from './item-types.js';
import { formatSnmpAddress, parseSnmpAddress, type SnmpAddress } from './snmp-address.js';
import { SnmpGarbledError, SnmpSession, SnmpTimeoutError } from './snmp-session.js';
import { STATUS } from './statuses.js';

export const OID = {
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
};

const GET_BATCH = 32;
const IF_OPER_UP = 1;

export interface SnmpProbeOptions {
  /** Port for addresses that name none (ESI_SNMP_PORT). */
  defaultPort: number;
  timeoutMs: number;
  retries: number;
  /** How long a walked ifName → ifIndex table is trusted before walking again. */
  ifIndexTtlMs: number;
  log: Logger;
  /** ESI_DEVICE_ADDRESS_MAP: where each device address is really probed (default: where it says). */
  addressMap?: DeviceAddressMap;
  /** ESI_DEVICE_ALLOW: where probes may go after mapping (default: loopback only). */
  allow?: DeviceAllowList;
}

interface IfTable {
  at: number;
  byName: Map<string, number>;
}

export class SnmpProbe {
  private readonly ifTables = new Map<string, IfTable>();
  /** The last problem logged per device, so a device that stays broken logs once. */
  private readonly lastProblem = new Map<string, string>();
  private prunedAt = Date.now();
  private readonly addressMap: DeviceAddressMap;
  private readonly allow: DeviceAllowList;

  constructor(private readonly opts: SnmpProbeOptions) {
    this.addressMap = opts.addressMap ?? EMPTY_DEVICE_MAP;
    this.allow = opts.allow ?? DeviceAllowList.parse(DEFAULT_DEVICE_ALLOW);
  }

  /** The device address the item names, before the address map. */
  namedAddress(item: MonitoringItem): SnmpAddress {
    const prop = ITEM_TYPES[item.type]?.address ?? 'ip';
    return parseSnmpAddress(item[prop], this.opts.defaultPort);
  }

  /** Where the item's device is probed: its address through the address map. */
  address(item: MonitoringItem): SnmpAddress {
    return mapDeviceAddress(this.addressMap, this.namedAddress(item));
  }

  /** Items with the same key are one device, checked in one session. */
  deviceKey(item: MonitoringItem): string {
    const a = this.address(item);
    return `snmp://${String(item.community_name)}@${a.host}:${a.port}`;
  }

  async check(items: readonly MonitoringItem[]): Promise<string[]> {
    const first = items[0];
    if (!first) return [];
    const key = this.deviceKey(first);
    const out = items.map((): string => STATUS.unknown);
    const problems: string[] = [];
    const target = this.address(first);
    if (!this.allow.allows(target.host)) {
      // Refused before any socket exists: no packet, not even a DNS lookup, is sent.
      const named = formatSnmpAddress(this.namedAddress(first));
      const to = formatSnmpAddress(target);
      const via = named === to ? '' : ` (mapped from ${named} by ESI_DEVICE_ADDRESS_MAP)`;
      this.report(key, [`not probed: ${to}${via} is outside ESI_DEVICE_ALLOW (${this.allow.text}); its items stay ${STATUS.unknown}`]);
      return out;
    }
    const session = new SnmpSession(target, String(first.community_name), this.opts);
    try {
      const devices = indexesOf(items, 'snmp-device');
      if (devices.length > 0) {
        // Any answer proves reachability; noSuchObject varbinds still came from the agent.
        await session.get([OID.sysUpTime, OID.sysName]);
        for (const i of devices) out[i] = STATUS.up;
      }
      const ports = indexesOf(items, 'snmp-port');
      if (ports.length > 0) await this.checkPorts(key, session, items, ports, out, problems);
    } catch (err) {
      const status = err instanceof SnmpTimeoutError ? STATUS.unreachable : STATUS.unknown;
      out.fill(status);
      if (!(err instanceof SnmpTimeoutError) && !(err instanceof SnmpGarbledError)) problems.push(`unexpected: ${(err as Error).message}`);
      else problems.push((err as Error).message);
    } finally {
      session.close();
    }
    this.report(key, problems);
    return out;
  }

  private async checkPorts(key: string, session: SnmpSession, items: readonly MonitoringItem[], ports: number[], out: string[], problems: string[]): Promise<void> {
    this.pruneIfTables();
    const names = ports.map((i) => String(items[i]!.name));
    let table = this.ifTables.get(key);
    const stale = !table || Date.now() - table.at > this.opts.ifIndexTtlMs || names.some((n) => !table!.byName.has(n));
    if (stale) {
      table = { at: Date.now(), byName: ifNameTable(await session.walk(OID.ifName)) };
      this.ifTables.set(key, table);
    }
    const found: { i: number; ifIndex: number }[] = [];
    for (const i of ports) {
      const ifIndex = table!.byName.get(String(items[i]!.name));
      if (ifIndex === undefined) problems.push(`no interface named ${String(items[i]!.name)} in ifName`);
      else found.push({ i, ifIndex });
    }
    for (let b = 0; b < found.length; b += GET_BATCH) {
      const batch = found.slice(b, b + GET_BATCH);
      const varbinds = await session.get(batch.map((f) => `${OID.ifOperStatus}.${f.ifIndex}`));
      batch.forEach((f, k) => {
        const vb: Varbind | undefined = varbinds[k];
        if (vb && typeof vb.value === 'number' && vb.type !== undefined && vb.type < 128) {
          out[f.i] = vb.value === IF_OPER_UP ? STATUS.up : STATUS.down;
          return;
        }
        // The index moved (device rebooted, interface re-created) or the value is not a status.
        this.ifTables.delete(key);
        problems.push(`ifOperStatus.${f.ifIndex} of ${String(items[f.i]!.name)} is ${vb ? `${String(vb.value)} (type ${vb.type})` : 'missing'}`);
      });
    }
  }

  /** Forgets tables of devices no longer polled, at most once per TTL. */
  private pruneIfTables(): void {
    const now = Date.now();
    if (now - this.prunedAt < this.opts.ifIndexTtlMs) return;
    this.prunedAt = now;
    for (const [key, t] of this.ifTables) if (now - t.at > this.opts.ifIndexTtlMs) this.ifTables.delete(key);
  }

  private report(key: string, problems: string[]): void {
    const text = problems.join('; ');
    if (text === (this.lastProblem.get(key) ?? '')) return;
    this.lastProblem.set(key, text);
    const device = key.replace(/^snmp:\/\/[^@]*@/, '');
    if (text) this.opts.log.warn({ device }, `snmp: ${text}`);
    else this.opts.log.info({ device }, 'snmp: device answers again');
  }
}

function indexesOf(items: readonly MonitoringItem[], kind: 'snmp-device' | 'snmp-port'): number[] {
  const out: number[] = [];
  items.forEach((item, i) => {
    if (ITEM_TYPES[item.type]?.probe === kind) out.push(i);
  });
  return out;
}

/** ifName walk → name → ifIndex (the last OID arc); non-string values are skipped. */
function ifNameTable(varbinds: Varbind[]): Map<string, number> {
  const byName = new Map<string, number>();
  for (const vb of varbinds) {
    if (!Buffer.isBuffer(vb.value) && typeof vb.value !== 'string') continue;
    const ifIndex = Number(vb.oid.slice(vb.oid.lastIndexOf('.') + 1));
    if (Number.isInteger(ifIndex)) byName.set(vb.value.toString(), ifIndex);
  }
  return byName;
}
