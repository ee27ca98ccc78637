/**
 * The ownership registry: which service writes which etcd prefixes and publishes on
 * which subjects. It is the one place that says who owns what (DESIGN.md §2); the store
 * refuses writes outside a slice and a test fails when two owners overlap.
 */
export type ServiceName = 'api' | 'planner' | 'heat-worker' | 'monitoring-worker' | 'state-aggregator';

export const SERVICE_NAMES: readonly ServiceName[] = [
  'api',
  'planner',
  'heat-worker',
  'monitoring-worker',
  'state-aggregator',
];

export interface Ownership {
  /** etcd key prefixes this service may write (put, delete, txn). */
  readonly etcdPrefixes: readonly string[];
  /** NATS subject patterns this service may publish on. */
  readonly publishes: readonly string[];
}

export const OWNERSHIP: Readonly<Record<ServiceName, Ownership>> = Object.freeze({
  api: {
    // /config/v2.0/<plural>/<id> and /config/v2.0/heat_templates/<tid>, plus tenants.
    etcdPrefixes: ['/config/'],
    publishes: ['esi.config.>', 'esi.dead.api.>'],
  },
  planner: {
    etcdPrefixes: ['/jobs/', '/esi-planner/'],
    publishes: ['esi.work.>', 'esi.skipped.>', 'esi.dead.planner.>'],
  },
  'heat-worker': {
    etcdPrefixes: ['/esi-worker/heat_stacks/', '/esi-heat-engine/'],
    publishes: ['esi.result.heat_worker.>', 'esi.dead.heat-worker.>'],
  },
  'monitoring-worker': {
    etcdPrefixes: ['/monitoring/', '/esi-monitoring/'],
    publishes: ['esi.result.monitoring_worker.>', 'esi.monitoring.>', 'esi.dead.monitoring-worker.>'],
  },
  'state-aggregator': {
    etcdPrefixes: ['/esi-worker/job_state/', '/state/'],
    publishes: ['esi.state.>', 'esi.dead.state-aggregator.>'],
  },
});

/** The owner of an etcd key, or undefined when nobody may write it. */
export function ownerOfKey(key: string): ServiceName | undefined {
  for (const service of SERVICE_NAMES) {
    if (OWNERSHIP[service].etcdPrefixes.some((p) => key.startsWith(p))) return service;
  }
  return undefined;
}

/** True when a concrete subject matches a NATS pattern (`*` one token, `>` the rest). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** True when two subject patterns can match a common subject. */
export function subjectPatternsOverlap(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; ; i++) {
    const xi = x[i];
    const yi = y[i];
    if (xi === '>' || yi === '>') return xi !== undefined && yi !== undefined;
    if (xi === undefined || yi === undefined) return xi === yi;
    if (xi !== '*' && yi !== '*' && xi !== yi) return false;
  }
}

export function mayPublish(service: ServiceName, subject: string): boolean {
  return OWNERSHIP[service].publishes.some((p) => subjectMatches(p, subject));
}
