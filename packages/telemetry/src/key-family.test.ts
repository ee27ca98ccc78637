import { describe, expect, it } from 'vitest';
import { keyFamily } from './metrics.js';

describe('keyFamily (etcd metric label and span collection)', () => {
  it('names the collection, never one resource', () => {
    const id = '31ba5088-cf73-45ce-901d-139406d54bdb';
    expect(keyFamily(`/config/v2.0/networks/${id}`)).toBe('/config/v2.0/networks');
    expect(keyFamily(`/esi-monitoring/targets/networks/${id}/*`)).toBe('/esi-monitoring/targets/networks');
    expect(keyFamily(`/esi-heat-engine/stacks/esi_network_${id}`)).toBe('/esi-heat-engine/stacks');
    expect(keyFamily('/jobs/all/0af7651916cd43dd8448eb211c80319c')).toBe('/jobs/all');
    expect(keyFamily('/config/*')).toBe('/config');
    expect(keyFamily('/config/v2.0/heat_templates/port_create')).toBe('/config/v2.0/heat_templates');
  });
});
