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
    expect(keyFamily(`/esi-worker/heat_stacks/v2.0/ports/${id}`)).toBe('/esi-worker/heat_stacks/v2.0/ports');
    expect(keyFamily('/jobs/all/')).toBe('/jobs/all');
  });

  it('names the collection for ids a client chose that look like no id', () => {
    expect(keyFamily('/config/v2.0/ports/p1')).toBe('/config/v2.0/ports');
    expect(keyFamily('/esi-worker/job_state/v2.0/ports/has-dashes')).toBe('/esi-worker/job_state/v2.0/ports');
    expect(keyFamily('/esi-monitoring/targets/ports/p1/')).toBe('/esi-monitoring/targets/ports');
    expect(keyFamily('/esi-monitoring/targets/ports/p1/ifOperStatus')).toBe('/esi-monitoring/targets/ports');
    expect(keyFamily('/esi-planner/workflows/ports/p1')).toBe('/esi-planner/workflows/ports');
    expect(keyFamily('/esi-heat-engine/stacks/esi_port_p1')).toBe('/esi-heat-engine/stacks');
  });
});
