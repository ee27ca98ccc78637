/**
 * The ownership registry: which service writes which etcd prefixes and publishes on
 * which subjects. It is the one place that says who owns what (DESIGN.md §2); the store
 * refuses writes outside a slice and a test fails when two owners overlap.
 */
import { DELETIONS, REMOVALS, STREAMS, workSubject, type StreamSpec } from './subjects.js';

export type ServiceName = 'api' | 'planner' | 'heat-worker' | 'monitoring-worker' | 'state-aggregator';

export const SERVICE_NAMES: readonly ServiceName[] = [
  'api',
  'planner',
  'heat-worker',
  'monitoring-worker',
  'state-aggregator',
];

/** A durable JetStream consumer a service reads through: the one place its names are spelled. */
export interface ConsumerDecl {
  /** Durable name (the stream prefix of a test run goes before it). */
  readonly durable: string;
  readonly stream: StreamSpec;
  /** Subject filter, without the stream prefix. */
  readonly filter: string;
}

export interface Ownership {
  /** etcd key prefixes this service may write (put, delete, txn). */
  readonly etcdPrefixes: readonly string[];
  /** NATS subject patterns this service may publish on. */
  readonly publishes: readonly string[];
  /** The consumers it reads through, by the name its code uses. */
  readonly consumes: Readonly<Record<string, ConsumerDecl>>;
}

const consumer = (durable: string, stream: StreamSpec, filter: string): ConsumerDecl => Object.freeze({ durable, stream, filter });

export const OWNERSHIP = Object.freeze({
  api: {
    // /config/v2.0/<plural>/<id> and /config/v2.0/heat_templates/<tid>, plus tenants.
    etcdPrefixes: ['/config/'],
    publishes: ['esi.config.>', 'esi.dead.api.>'],
    consumes: {
      deletions: consumer('api_deletions', STREAMS.state, DELETIONS),
    },
  },
  planner: {
    etcdPrefixes: ['/jobs/', '/esi-planner/'],
    publishes: ['esi.work.>', 'esi.skipped.>', 'esi.dead.planner.>'],
    consumes: {
      changes: consumer('planner_config', STREAMS.config, 'esi.config.>'),
      results: consumer('planner_results', STREAMS.results, 'esi.result.>'),
    },
  },
  'heat-worker': {
    etcdPrefixes: ['/esi-worker/heat_stacks/', '/esi-heat-engine/'],
    publishes: ['esi.result.heat_worker.>', 'esi.dead.heat-worker.>'],
    consumes: {
      jobs: consumer('heat_worker', STREAMS.work, workSubject('heat_worker')),
      removals: consumer('heat_worker_removals', STREAMS.config, REMOVALS),
    },
  },
  'monitoring-worker': {
    etcdPrefixes: ['/monitoring/', '/esi-monitoring/'],
    publishes: ['esi.result.monitoring_worker.>', 'esi.monitoring.>', 'esi.dead.monitoring-worker.>'],
    consumes: {
      jobs: consumer('monitoring_worker', STREAMS.work, workSubject('monitoring_worker')),
    },
  },
  'state-aggregator': {
    etcdPrefixes: ['/esi-worker/job_state/', '/state/'],
    publishes: ['esi.state.>', 'esi.dead.state-aggregator.>'],
    consumes: {
      results: consumer('state_aggregator_results', STREAMS.results, 'esi.result.>'),
      skipped: consumer('state_aggregator_skipped', STREAMS.results, 'esi.skipped.>'),
      removals: consumer('state_aggregator_removals', STREAMS.config, REMOVALS),
    },
  },
} as const satisfies Record<ServiceName, Ownership>);

/** Every declared consumer, with the service that reads through it. */
export function declaredConsumers(): { service: ServiceName; name: string; decl: ConsumerDecl }[] {
  return SERVICE_NAMES.flatMap((service) =>
    Object.entries(OWNERSHIP[service].consumes as Record<string, ConsumerDecl>).map(([name, decl]) => ({ service, name, decl })),
  );
}

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
