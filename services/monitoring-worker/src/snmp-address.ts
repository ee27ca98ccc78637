/**
 * Where an SNMP item's device listens. Items carry `ip` (switch/router) or `device_ip`
 * (ports) as rendered from the device's management address: "10.0.0.1", "10.0.0.1:1161",
 * "host.example", "[::1]:1161" or a bare IPv6 address. Without a port the worker's
 * ESI_SNMP_PORT applies (161 unless configured). Where the device is really probed is then
 * up to ESI_DEVICE_ADDRESS_MAP and ESI_DEVICE_ALLOW (device-address-map.ts, device-allow-list.ts).
 */
export interface SnmpAddress {
  host: string;
  port: number;
}

export function formatSnmpAddress(a: SnmpAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

export class InvalidAddressError extends Error {
  override readonly name = 'InvalidAddressError';
  readonly retryable = false;
}

export function parseSnmpAddress(raw: unknown, defaultPort: number): SnmpAddress {
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || text.trim() === '' || /\s/.test(text.trim())) {
    throw new InvalidAddressError(`${JSON.stringify(raw)} is not a device address`);
  }
  const s = text.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracketed) return { host: bracketed[1]!, port: port(bracketed[2], defaultPort, s) };
  const colons = s.split(':').length - 1;
  if (colons === 0) return { host: s, port: defaultPort };
  if (colons === 1) {
    const [host, p] = s.split(':');
    if (!host) throw new InvalidAddressError(`${JSON.stringify(raw)} has no host`);
    return { host, port: port(p, defaultPort, s) };
  }
  // Two or more colons and no brackets: a bare IPv6 address.
  return { host: s, port: defaultPort };
}

function port(raw: string | undefined, fallback: number, whole: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535) throw new InvalidAddressError(`${JSON.stringify(whole)} has no valid UDP port`);
  return n;
}
