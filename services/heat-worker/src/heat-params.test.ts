import { describe, expect, it } from 'vitest';
import { BadJobInputError } from './errors.js';
import { splitHeatParams } from './heat-params.js';

describe('splitHeatParams', () => {
  it('keeps jinja_ params for rendering, heat_timeout as the timeout, the rest for Heat', () => {
    expect(splitHeatParams({ jinja_vlan: 10, heat_timeout: '6', name: 'p', tenant_id: 't' })).toEqual({
      jinja: { jinja_vlan: 10 },
      parameters: { name: 'p', tenant_id: 't' },
      timeoutMins: 6,
    });
    expect(splitHeatParams({ heat_timeout: null }).timeoutMins).toBeUndefined();
  });

  it('refuses a heat_timeout that is not a positive number of minutes, naming it', () => {
    expect(() => splitHeatParams({ heat_timeout: 'soon' })).toThrow(BadJobInputError);
    expect(() => splitHeatParams({ heat_timeout: 0 })).toThrow(/heat_timeout/);
  });
});
