import { describe, expect, it } from 'vitest';
import { DeviceAllowList } from './device-allow-list.js';
import { DeviceMapSyntaxError, describeDeviceMap, mapDeviceAddress, mapTargetsOutsideAllowList, parseDeviceAddressMap } from './device-address-map.js';

describe('ESI_DEVICE_ADDRESS_MAP', () => {
  it('an exact host wins over *; a target without a port keeps the device port', () => {
    const map = parseDeviceAddressMap(' 10.0.0.1=127.0.0.1:1161 , *=127.0.0.2:2161, Switch.Lab=127.0.0.3, [fe80::1]=[::1]:3161 ');
    expect(mapDeviceAddress(map, { host: '10.0.0.1', port: 161 })).toEqual({ host: '127.0.0.1', port: 1161 });
    expect(mapDeviceAddress(map, { host: '10.0.0.2', port: 161 })).toEqual({ host: '127.0.0.2', port: 2161 });
    expect(mapDeviceAddress(map, { host: 'switch.lab', port: 1000 })).toEqual({ host: '127.0.0.3', port: 1000 });
    expect(mapDeviceAddress(map, { host: 'fe80::1', port: 161 })).toEqual({ host: '::1', port: 3161 });
    expect(describeDeviceMap(map)).toBe('10.0.0.1=127.0.0.1:1161,switch.lab=127.0.0.3,fe80::1=[::1]:3161,*=127.0.0.2:2161');
  });

  it('empty maps nothing: devices are probed where they say they are', () => {
    for (const text of ['', ' ', ',']) {
      const map = parseDeviceAddressMap(text);
      expect(mapDeviceAddress(map, { host: '10.9.9.9', port: 161 })).toEqual({ host: '10.9.9.9', port: 161 });
    }
  });

  it('refuses what is not a map, saying which entry', () => {
    const bad: [string, RegExp][] = [
      ['10.0.0.1', /not from=to/],
      ['10.0.0.1=', /maps to nothing/],
      ['=127.0.0.1', /not a device host/],
      ['10.0.0.1:161=127.0.0.1', /not a device host/],
      ['*=127.0.0.1:0', /no valid UDP port/],
      ['*=127.0.0.1:99999', /no valid UDP port/],
      ['*=a b', /not a device address/],
      ['*=bad_host!:1161', /not an IP or a host name/],
      ['*=127.0.0.1,*=127.0.0.2', /"\*" appears twice/],
      ['10.0.0.1=127.0.0.1,10.0.0.1=127.0.0.2', /appears twice/],
      ['*=127.0.0.1,,10.0.0.1=127.0.0.1', /entry is empty/],
    ];
    for (const [text, message] of bad) {
      expect(() => parseDeviceAddressMap(text), text).toThrow(DeviceMapSyntaxError);
      expect(() => parseDeviceAddressMap(text), text).toThrow(message);
    }
  });

  it('names map targets the allow-list refuses', () => {
    const allow = DeviceAllowList.parse('127.0.0.0/8');
    expect(mapTargetsOutsideAllowList(parseDeviceAddressMap('*=127.0.0.1:1161'), allow)).toEqual([]);
    expect(mapTargetsOutsideAllowList(parseDeviceAddressMap('10.0.0.1=10.0.0.2:161,*=127.0.0.1'), allow)).toEqual([
      'ESI_DEVICE_ADDRESS_MAP sends devices to 10.0.0.2:161, which ESI_DEVICE_ALLOW (127.0.0.0/8) does not allow',
    ]);
  });
});
