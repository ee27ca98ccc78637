import { describe, expect, it } from 'vitest';
import { holdAllows, isPositive, parseHoldOptions } from './hold-options.js';
import { holdOptionsOf } from './item-types.js';

describe('hold options (esi-reference §5.5)', () => {
  const ports = parseHoldOptions({ positive_status: ['UP', 'DOWN'], time_seconds: 30 });

  it('holds non-positive statuses while the target is young, unless one was already written', () => {
    expect(holdAllows(ports, 'port', 'UP', 1_000, false)).toBe(true);
    expect(holdAllows(ports, 'port', 'UNREACHABLE', 1_000, false)).toBe(false);
    expect(holdAllows(ports, 'port', 'UNREACHABLE', 1_000, true)).toBe(true);
    expect(holdAllows(ports, 'port', 'UNREACHABLE', 30_000, false)).toBe(true);
  });

  it('reads scalar lists, G2 maps and G3 lists of maps, ignoring case', () => {
    const g2 = parseHoldOptions({ positive_status: { primary: 'MASTER', secondary: 'BACKUP' }, time_seconds: 360 });
    const g3 = parseHoldOptions({ positive_status: [{ primary: 'MASTER' }, { secondary: 'BACKUP' }], time_seconds: 360 });
    for (const h of [g2, g3]) {
      expect(isPositive(h, 'primary', 'master')).toBe(true);
      expect(isPositive(h, 'primary', 'BACKUP')).toBe(false);
      expect(isPositive(h, 'secondary', 'BACKUP')).toBe(true);
    }
    expect(isPositive(ports, 'anything', 'down')).toBe(true);
  });

  it('an item’s own hold_options win over its type’s defaults', () => {
    expect(holdOptionsOf({ type: 'logical_port' })).toEqual({ positive_status: ['UP', 'DOWN'], time_seconds: 30 });
    expect(holdOptionsOf({ type: 'switch' })).toEqual({ positive_status: ['UP'], time_seconds: 30 });
    expect(holdOptionsOf({ type: 'vrrp_session', wanted_status: 'backup', timeout: 360 })).toEqual({ positive_status: ['backup'], time_seconds: 360 });
    expect(holdOptionsOf({ type: 'switch', hold_options: { positive_status: 'UP', time_seconds: 2 } })).toEqual({ positive_status: ['UP'], time_seconds: 2 });
  });
});
