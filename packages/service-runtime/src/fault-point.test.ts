import { describe, expect, it } from 'vitest';
import { faultActionOf, parseFaultSpecs } from './fault-point.js';

describe('ESI_FAULT', () => {
  it('parses points, optional actions, services and passes', () => {
    expect(parseFaultSpecs('after-etcd-write.update:planner:3, mid-stack:heat-worker:1')).toEqual([
      { text: 'after-etcd-write.update:planner:3', point: 'after-etcd-write', action: 'update', service: 'planner', nth: 3 },
      { text: 'mid-stack:heat-worker:1', point: 'mid-stack', service: 'heat-worker', nth: 1 },
    ]);
    expect(parseFaultSpecs('')).toEqual([]);
  });

  it('refuses a bad item, naming it', () => {
    expect(() => parseFaultSpecs('after-write:planner:1')).toThrow('"after-write:planner:1": point must be one of');
    expect(() => parseFaultSpecs('after-publish.patch:planner:1')).toThrow('action must be one of');
    expect(() => parseFaultSpecs('after-publish:scheduler:1')).toThrow('service must be one of');
    expect(() => parseFaultSpecs('after-publish:planner:0')).toThrow('n must be at least 1');
    expect(() => parseFaultSpecs('after-publish:planner')).toThrow('expected <point>[.<action>]:<service>:<n>');
  });

  it("names the services' change kinds in its own words", () => {
    expect([faultActionOf('create'), faultActionOf('modify'), faultActionOf('logical_delete'), faultActionOf(undefined)]).toEqual(['create', 'update', 'delete', undefined]);
  });
});
