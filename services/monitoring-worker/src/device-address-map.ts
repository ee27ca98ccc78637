/**
 * ESI_DEVICE_ADDRESS_MAP: where the worker really sends SNMP for a device address an item
 * names. Tests, demos, replays and benchmarks point recorded or example devices (10.x
 * management addresses) at the device simulator on loopback, so a replayed build never
 * reaches for the recorded network. Syntax: comma-separated `from=to` entries; `from` is a
 * device host (an IP or a host name) or `*` for every other device; `to` is `host[:port]`
 * (`[v6]:port` for IPv6). An exact host wins over `*`; without a port in `to` the device's
 * own port (or ESI_SNMP_PORT) stays. Empty: every device is probed where it says it is.
 */
import { isIP } from 'node:net';
import { parseSnmpAddress, type SnmpAddress } from './snmp-address.js';

export interface DeviceAddressMap {
  /** Exact host (lower case) → where to send instead; port undefined keeps the device's. */
  readonly exact: ReadonlyMap<string, MappedTarget>;
  readonly fallback?: MappedTarget;
}

export interface MappedTarget {
  host: string;
  port?: number;
}

export class DeviceMapSyntaxError extends Error {
  override readonly name = 'DeviceMapSyntaxError';
  readonly retryable = false;
}

export const EMPTY_DEVICE_MAP: DeviceAddressMap = Object.freeze({ exact: new Map() });

export function parseDeviceAddressMap(text: string): DeviceAddressMap {
  const exact = new Map<string, MappedTarget>();
  let fallback: MappedTarget | undefined;
  const entries = text.split(',').map((e) => e.trim());
  if (entries.every((e) => e === '')) return EMPTY_DEVICE_MAP;
  for (const entry of entries) {
    if (entry === '') throw new DeviceMapSyntaxError('an entry is empty (two commas in a row, or one at an end)');
    const eq = entry.indexOf('=');
    if (eq < 0) throw new DeviceMapSyntaxError(`entry ${JSON.stringify(entry)} is not from=to`);
    const from = entry.slice(0, eq).trim().toLowerCase();
    const to = parseTarget(entry.slice(eq + 1).trim(), entry);
    if (from === '*') {
      if (fallback) throw new DeviceMapSyntaxError('"*" appears twice');
      fallback = to;
      continue;
    }
    const host = unbracket(from);
    if (!isHostName(host)) throw new DeviceMapSyntaxError(`entry ${JSON.stringify(entry)}: ${JSON.stringify(from)} is not a device host (an IP or a host name, without a port) nor "*"`);
    if (exact.has(host)) throw new DeviceMapSyntaxError(`${host} appears twice`);
    exact.set(host, to);
  }
  return Object.freeze({ exact, ...(fallback ? { fallback } : {}) });
}

/** The address to probe for a device address an item names. */
export function mapDeviceAddress(map: DeviceAddressMap, address: SnmpAddress): SnmpAddress {
  const target = map.exact.get(address.host.toLowerCase()) ?? map.fallback;
  return target ? { host: target.host, port: target.port ?? address.port } : address;
}

export function describeDeviceMap(map: DeviceAddressMap): string {
  const parts = [...map.exact].map(([from, to]) => `${from}=${formatTarget(to)}`);
  if (map.fallback) parts.push(`*=${formatTarget(map.fallback)}`);
  return parts.length > 0 ? parts.join(',') : '(none)';
}

/**
 * A map that sends devices somewhere the allow-list refuses is a mistake in one of the
 * two settings; saying so at start beats items that silently stay UNKNOWN.
 */
export function mapTargetsOutsideAllowList(map: DeviceAddressMap, allow: { allows(host: string): boolean; text: string }): string[] {
  const targets = [...map.exact.values(), ...(map.fallback ? [map.fallback] : [])];
  const refused = [...new Set(targets.filter((t) => !allow.allows(t.host)).map(formatTarget))];
  return refused.length === 0 ? [] : [`ESI_DEVICE_ADDRESS_MAP sends devices to ${refused.join(', ')}, which ESI_DEVICE_ALLOW (${allow.text}) does not allow`];
}

function parseTarget(raw: string, entry: string): MappedTarget {
  if (raw === '') throw new DeviceMapSyntaxError(`entry ${JSON.stringify(entry)} maps to nothing`);
  let parsed: SnmpAddress;
  try {
    // Port 0 marks "none given" here: parseSnmpAddress refuses 0 in the text itself.
    parsed = parseSnmpAddress(raw, 0);
  } catch (err) {
    throw new DeviceMapSyntaxError(`entry ${JSON.stringify(entry)}: ${(err as Error).message}`);
  }
  if (!isHostName(parsed.host)) throw new DeviceMapSyntaxError(`entry ${JSON.stringify(entry)}: ${JSON.stringify(parsed.host)} is not an IP or a host name`);
  return parsed.port === 0 ? { host: parsed.host } : { host: parsed.host, port: parsed.port };
}

function formatTarget(t: MappedTarget): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return t.port === undefined ? host : `${host}:${t.port}`;
}

function unbracket(host: string): string {
  const m = /^\[([^\]]+)\]$/.exec(host);
  return m ? m[1]! : host;
}

/** An IP literal or an RFC 1123 host name. */
export function isHostName(host: string): boolean {
  if (isIP(host) !== 0) return true;
  return host.length <= 253 && /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$/i.test(host);
}
