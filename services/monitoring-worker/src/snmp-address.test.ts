import { describe, expect, it } from 'vitest';
import { InvalidAddressError, parseSnmpAddress } from './snmp-address.js';

describe('device addresses of SNMP items', () => {
  it('takes the default port unless the address names one', () => {
    expect(parseSnmpAddress('127.0.0.1', 1161)).toEqual({ host: '127.0.0.1', port: 1161 });
    expect(parseSnmpAddress('127.0.0.1:2161', 1161)).toEqual({ host: '127.0.0.1', port: 2161 });
    expect(parseSnmpAddress('switch.lab', 161)).toEqual({ host: 'switch.lab', port: 161 });
    expect(parseSnmpAddress('[::1]:2161', 161)).toEqual({ host: '::1', port: 2161 });
    expect(parseSnmpAddress('fe80::1', 161)).toEqual({ host: 'fe80::1', port: 161 });
  });

  it('refuses what is not an address', () => {
    for (const bad of ['', ' ', 'a b', ':161', '10.0.0.1:0', '10.0.0.1:x', null, {}]) {
      expect(() => parseSnmpAddress(bad, 161), JSON.stringify(bad)).toThrow(InvalidAddressError);
    }
  });
});
