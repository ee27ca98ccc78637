import { describe, expect, it } from 'vitest';
import { parseSimulatorConfig } from './config.js';
import { SimulatorConfigError } from './errors.js';
import { EXAMPLE_CONFIG, loadSimulatorConfig } from './load-config.js';

describe('simulator config', () => {
  it('fills defaults: loopback, a free port, any community, interfaces up', () => {
    expect(parseSimulatorConfig({ devices: [{ name: 'qfx', interfaces: ['xe-0/0/4.1025', { name: 'ae0', status: 'down' }] }] })).toEqual({
      host: '127.0.0.1',
      devices: [
        {
          name: 'qfx',
          port: 0,
          communities: [],
          sysName: 'qfx',
          interfaces: [
            { name: 'xe-0/0/4.1025', status: 1 },
            { name: 'ae0', status: 2 },
          ],
        },
      ],
    });
  });

  it('names what is wrong', () => {
    const bad: [unknown, RegExp][] = [
      [{ devices: [] }, /non-empty devices/],
      [{ devices: [{ name: 'a' }, { name: 'a' }] }, /device name a appears twice/],
      [{ devices: [{ name: 'a', port: 70000 }] }, /port 70000/],
      [{ devices: [{ name: 'a', interfaces: ['x', 'x'] }] }, /interface x appears twice/],
      [{ devices: [{ name: 'a', interfaces: [{ name: 'x', status: 'sideways' }] }] }, /"sideways" is not one of up, down/],
      [{ devices: [{ name: 'a', communities: 'public' }] }, /communities must be a list/],
    ];
    for (const [raw, message] of bad) expect(() => parseSimulatorConfig(raw)).toThrow(message);
    expect(() => parseSimulatorConfig(null)).toThrow(SimulatorConfigError);
  });

  it('the shipped example config loads', () => {
    expect(loadSimulatorConfig(EXAMPLE_CONFIG).devices[0]!.interfaces.map((i) => i.name)).toContain('xe-0/0/4.1025');
  });
});
