import { describe, expect, it } from 'vitest';
import { OWNERSHIP, SERVICE_NAMES, declaredConsumers, ownerOfKey, subjectMatches, subjectPatternsOverlap } from './ownership.js';
import { KEY_PREFIX } from './keys.js';
import { HANDLERS, STREAMS, configSubject, deletedSubject, removedSubject, stateSubject, workSubject } from './subjects.js';

describe('ownership registry', () => {
  it('no two services own overlapping etcd prefixes', () => {
    const owned = SERVICE_NAMES.flatMap((s) => OWNERSHIP[s].etcdPrefixes.map((p) => ({ s, p })));
    for (const a of owned) {
      for (const b of owned) {
        if (a.s === b.s) continue;
        expect(a.p.startsWith(b.p), `${a.s} ${a.p} lies inside ${b.s} ${b.p}`).toBe(false);
      }
    }
  });

  it('no two services publish on overlapping subjects', () => {
    const owned = SERVICE_NAMES.flatMap((s) => OWNERSHIP[s].publishes.map((p) => ({ s, p })));
    for (const a of owned) {
      for (const b of owned) {
        if (a.s === b.s) continue;
        expect(subjectPatternsOverlap(a.p, b.p), `${a.s} ${a.p} overlaps ${b.s} ${b.p}`).toBe(false);
      }
    }
  });

  it('every key prefix of the layout has exactly the owner DESIGN.md §2 names', () => {
    expect(ownerOfKey(`${KEY_PREFIX.config}ports/x`)).toBe('api');
    expect(ownerOfKey(`${KEY_PREFIX.templates}port`)).toBe('api');
    expect(ownerOfKey(`${KEY_PREFIX.jobs}create:heat_worker:port:x:1:abcde`)).toBe('planner');
    expect(ownerOfKey(`${KEY_PREFIX.heatStacks}ports/x`)).toBe('heat-worker');
    expect(ownerOfKey(`${KEY_PREFIX.jobState}ports/x`)).toBe('state-aggregator');
    expect(ownerOfKey(`${KEY_PREFIX.state}ports/x`)).toBe('state-aggregator');
    expect(ownerOfKey(`${KEY_PREFIX.monitoring}ports/x`)).toBe('monitoring-worker');
    expect(ownerOfKey('/esi-worker/config/v2.0/ports/x')).toBeUndefined();
  });

  it('every subject a service publishes lands in exactly one stream', () => {
    const streamSubjects = Object.values(STREAMS).flatMap((s) => s.subjects.map((subj) => ({ name: s.name, subj })));
    for (const s of SERVICE_NAMES) {
      for (const p of OWNERSHIP[s].publishes) {
        const hits = streamSubjects.filter((x) => subjectPatternsOverlap(x.subj, p));
        expect(hits.length, `${s} ${p}`).toBe(1);
      }
    }
  });

  it('declares each consumer once, inside its stream, reading what some service publishes', () => {
    const consumers = declaredConsumers();
    const durables = consumers.map((c) => c.decl.durable);
    expect(new Set(durables).size, durables.join(' ')).toBe(durables.length);
    for (const { service, name, decl } of consumers) {
      const where = `${service} ${name}`;
      expect(decl.stream.subjects.some((s) => subjectPatternsOverlap(s, decl.filter) && subjectMatches(s, decl.filter.replace(/>$/, 'x'))), where).toBe(true);
      expect(SERVICE_NAMES.some((p) => OWNERSHIP[p].publishes.some((pub) => subjectPatternsOverlap(pub, decl.filter))), where).toBe(true);
    }
  });

  it('gives every job handler exactly one consumer of its work subject', () => {
    for (const handler of HANDLERS) {
      const readers = declaredConsumers().filter((c) => c.decl.filter === workSubject(handler));
      expect(readers.map((r) => r.service), handler).toHaveLength(1);
    }
  });

  it('sends removals to the consumers that act on them, and changes only to the planner', () => {
    const config = declaredConsumers().filter((c) => c.decl.stream === STREAMS.config);
    const readers = (subject: string) => config.filter((c) => subjectMatches(c.decl.filter, subject)).map((c) => `${c.service}.${c.name}`).sort();
    // The planner plans removals in order with the resource's changes, so it reads both.
    expect(readers(configSubject('port', 'p1'))).toEqual(['planner.changes']);
    expect(readers(removedSubject('port', 'p1'))).toEqual(['heat-worker.removals', 'planner.changes', 'state-aggregator.removals']);
  });

  it('sends finished deletes to the api alone, and no other state event to it', () => {
    const readers = (subject: string) => declaredConsumers().filter((c) => c.decl.stream === STREAMS.state && subjectMatches(c.decl.filter, subject)).map((c) => `${c.service}.${c.name}`);
    expect(readers(deletedSubject('port', 'p1'))).toEqual(['api.deletions']);
    expect(readers(stateSubject('port', 'p1'))).toEqual([]);
    expect(OWNERSHIP['state-aggregator'].publishes.some((p) => subjectMatches(p, deletedSubject('port', 'p1')))).toBe(true);
  });

  it('matches NATS wildcards', () => {
    expect(subjectMatches('esi.result.>', 'esi.result.heat_worker.port.1')).toBe(true);
    expect(subjectMatches('esi.result.>', 'esi.result')).toBe(false);
    expect(subjectMatches('esi.*.x', 'esi.a.x')).toBe(true);
    expect(subjectMatches('esi.*.x', 'esi.a.y')).toBe(false);
    expect(subjectPatternsOverlap('esi.state.>', 'esi.monitoring.>')).toBe(false);
    expect(subjectPatternsOverlap('esi.*.a', 'esi.b.>')).toBe(true);
  });
});

describe('key layout', async () => {
  const { configKey, stateKey, parseCollectionKey } = await import('./keys.js');
  it('keeps tenants under common/v1.0 and everything else under v2.0', () => {
    expect(configKey('tenants', 't1')).toBe('/config/common/v1.0/tenants/t1');
    expect(stateKey('tenants', 't1')).toBe('/state/common/v1.0/tenants/t1');
    expect(configKey('ports', 'p1')).toBe('/config/v2.0/ports/p1');
    expect(parseCollectionKey('/config/', '/config/common/v1.0/tenants/t1')).toEqual({ plural: 'tenants', id: 't1' });
    expect(parseCollectionKey('/config/', '/config/v2.0/ports/p1')).toEqual({ plural: 'ports', id: 'p1' });
    expect(parseCollectionKey('/config/', '/config/v2.0/tenants/t1')).toBeUndefined();
    expect(parseCollectionKey('/config/', '/config/v2.0/heat_templates/port')).toEqual({ plural: 'heat_templates', id: 'port' });
  });
});
