import { describe, expect, it } from 'vitest';
import { ServiceHealth } from './service-health.js';

describe('ServiceHealth', () => {
  it('serves only when ready and every dependency is up, and tells each change once', () => {
    const h = new ServiceHealth();
    const changes: boolean[] = [];
    h.onChange((s) => changes.push(s));
    h.setDependency('nats', true);
    h.setDependency('etcd', true);
    expect(h.serving).toBe(false);
    expect(h.describe()).toBe('not ready');
    h.setReady(true);
    h.setDependency('nats', false, 'disconnected');
    h.setDependency('etcd', false);
    h.setDependency('nats', true);
    expect(h.describe()).toBe('etcd: unreachable');
    h.setDependency('etcd', true);
    h.setDependency('etcd', true);
    h.setReady(false);
    expect(changes).toEqual([true, false, true, false]);
  });
});
