import { describe, expect, it } from 'vitest';
import { DEFAULT_DEVICE_ALLOW, DeviceAllowList, DeviceAllowSyntaxError } from './device-allow-list.js';

describe('ESI_DEVICE_ALLOW', () => {
  it('the default allows loopback and nothing else', () => {
    const allow = DeviceAllowList.parse(DEFAULT_DEVICE_ALLOW);
    for (const ok of ['127.0.0.1', '127.9.8.7', '::1', 'localhost', 'LOCALHOST.', '::ffff:127.0.0.1']) expect(allow.allows(ok), ok).toBe(true);
    for (const no of ['10.0.0.1', '10.161.0.34', '192.168.1.1', '0.0.0.0', '::', 'fe80::1', '::ffff:10.0.0.1', 'switch.lab', '8.8.8.8', 'fe80::1%lo']) {
      expect(allow.allows(no), no).toBe(false);
    }
  });

  it('takes CIDRs, single addresses and host names', () => {
    const allow = DeviceAllowList.parse('10.20.0.0/16, 192.0.2.7 ,fd00::/8,switch.lab');
    expect(allow.allows('10.20.255.1')).toBe(true);
    expect(allow.allows('10.21.0.1')).toBe(false);
    expect(allow.allows('192.0.2.7')).toBe(true);
    expect(allow.allows('192.0.2.8')).toBe(false);
    expect(allow.allows('fd12::1')).toBe(true);
    expect(allow.allows('Switch.Lab')).toBe(true);
    expect(allow.allows('other.lab')).toBe(false);
    expect(allow.allows('127.0.0.1')).toBe(false);
    expect(allow.text).toBe('10.20.0.0/16,192.0.2.7,fd00::/8,switch.lab');
  });

  it('refuses what is not a list of places', () => {
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/x', 'ten/8', '10.0.0.1,,::1', 'a b', '*', '10.0.0.0/']) {
      expect(() => DeviceAllowList.parse(bad), bad).toThrow(DeviceAllowSyntaxError);
    }
  });
});
