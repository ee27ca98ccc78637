/**
 * ESI_DEVICE_ALLOW: the only places the worker may send SNMP to, checked after the
 * address map. Comma-separated CIDRs (`10.20.0.0/16`, `fd00::/8`), single IPs and host
 * names. A host name is allowed only when it is listed by name: the worker does not
 * resolve names to decide (the lookup itself would leave the box), so whoever lists a
 * name vouches for what it resolves to. The default allows loopback only, so a stack
 * that was not told where its devices are cannot reach any network.
 */
import { BlockList, isIP } from 'node:net';
import { isHostName } from './device-address-map.js';

export const DEFAULT_DEVICE_ALLOW = '127.0.0.0/8,::1/128,localhost';

export class DeviceAllowSyntaxError extends Error {
  override readonly name = 'DeviceAllowSyntaxError';
  readonly retryable = false;
}

export class DeviceAllowList {
  private constructor(
    private readonly blocks: BlockList,
    private readonly names: ReadonlySet<string>,
    /** The list as configured, for logs and refusal messages. */
    readonly text: string,
  ) {}

  static parse(text: string): DeviceAllowList {
    const blocks = new BlockList();
    const names = new Set<string>();
    const entries = text.split(',').map((e) => e.trim());
    for (const entry of entries) {
      if (entry === '') throw new DeviceAllowSyntaxError('an entry is empty (two commas in a row, or one at an end)');
      const slash = entry.indexOf('/');
      if (slash >= 0) {
        const ip = entry.slice(0, slash);
        const bits = entry.slice(slash + 1);
        const family = isIP(ip);
        const max = family === 4 ? 32 : 128;
        if (family === 0) throw new DeviceAllowSyntaxError(`${JSON.stringify(entry)}: ${JSON.stringify(ip)} is not an IP address`);
        if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) throw new DeviceAllowSyntaxError(`${JSON.stringify(entry)}: prefix length must be 0–${max}`);
        blocks.addSubnet(ip, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
      } else if (isIP(entry) !== 0) {
        blocks.addAddress(entry, isIP(entry) === 4 ? 'ipv4' : 'ipv6');
      } else if (isHostName(entry)) {
        names.add(entry.toLowerCase().replace(/\.$/, ''));
      } else {
        throw new DeviceAllowSyntaxError(`${JSON.stringify(entry)} is not a CIDR, an IP address or a host name`);
      }
    }
    return new DeviceAllowList(blocks, names, entries.join(','));
  }

  allows(host: string): boolean {
    const family = isIP(host);
    if (family === 4) return this.blocks.check(host, 'ipv4');
    if (family === 6) return this.blocks.check(host, 'ipv6');
    return this.names.has(host.toLowerCase().replace(/\.$/, ''));
  }
}
