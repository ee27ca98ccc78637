import { describe, expect, it } from 'vitest';
import { keyFamily, keyFamilyUncached } from './metrics.js';

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

  it('gives every key under one parent the family its own rules give, whichever came first', () => {
    const id = '31ba5088-cf73-45ce-901d-139406d54bdb';
    // The same parent, last segments of every kind: an id, a plain word, a version.
    expect(keyFamily(`/esi-x/${id}`)).toBe('/esi-x');
    expect(keyFamily('/esi-x/v2.0')).toBe('/esi-x/v2.0');
    expect(keyFamily('/esi-x/plain')).toBe('/esi-x');
    expect(keyFamily('/esi-x/')).toBe('/esi-x');
    expect(keyFamily('/a/b/c/d')).toBe('/a/b/c');
    expect(keyFamily('/a/b/c/e')).toBe('/a/b/c');
    expect(keyFamily(`/a/b/c/${id}`)).toBe('/a/b/c');
    expect(keyFamily(`/cfg/v1/${id}/x`)).toBe('/cfg/v1');
    expect(keyFamily(`/cfg/v1/${id}/y`)).toBe('/cfg/v1');
    // Right after a version segment, the last segment decides: a collection, or an id.
    expect(keyFamily('/config/v2.0/ports')).toBe('/config/v2.0/ports');
    expect(keyFamily(`/config/v2.0/${id}`)).toBe('/config/v2.0');
    expect(keyFamily('/config/v2.0/networks')).toBe('/config/v2.0/networks');
  });

  it('agrees with the rules applied afresh on thousands of seeded random keys', () => {
    const segments = ['config', 'state', 'v2.0', 'v1', 'ports', 'p1', '31ba5088-cf73-45ce-901d-139406d54bdb', '0af7651916cd43dd8448eb211c80319c', 'x', '', '*'];
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    for (let i = 0; i < 20000; i++) {
      const key = '/' + Array.from({ length: 1 + random(6) }, () => segments[random(segments.length)]).join('/');
      expect(keyFamily(key), key).toBe(keyFamilyUncached(key));
    }
  });
});
