/** Spans of a small change for the tests: api → planner → heat-worker → aggregator. */
import type { TraceSpan } from './span.js';

export function span(p: Partial<TraceSpan> & Pick<TraceSpan, 'spanId' | 'name' | 'service'>): TraceSpan {
  return {
    traceId: 't1',
    parentSpanId: '',
    kind: 'internal',
    startMs: 1_000,
    durationMs: 1,
    status: 'unset',
    statusMessage: '',
    attributes: {},
    links: [],
    ...p,
  };
}

export const CHANGE: TraceSpan[] = [
  span({ spanId: 'a', name: 'esi.api.v1.ResourceService/CreateResource', service: 'api', kind: 'server', startMs: 1_000, durationMs: 8 }),
  span({ spanId: 'b', parentSpanId: 'a', name: 'send esi.config.network', service: 'api', kind: 'producer', startMs: 1_005, durationMs: 1.2, attributes: { 'messaging.destination.name': 'esi.config.network.n1' } }),
  span({ spanId: 'c', parentSpanId: 'b', name: 'process esi.config', service: 'planner', kind: 'consumer', startMs: 1_010, durationMs: 30 }),
  span({ spanId: 'd', parentSpanId: 'c', name: 'dispatch create:heat_worker', service: 'planner', startMs: 1_020, durationMs: 5, attributes: { 'esi.job.id': 'j1', 'esi.resource.id': 'n1', 'esi.resource.type': 'network' }, links: [{ traceId: 't0', spanId: 'x' }] }),
  span({ spanId: 'e', parentSpanId: 'd', name: 'send esi.work.heat_worker', service: 'planner', kind: 'producer', startMs: 1_022, durationMs: 2 }),
  span({ spanId: 'f', parentSpanId: 'e', name: 'process esi.work.heat_worker', service: 'heat-worker', kind: 'consumer', startMs: 1_030, durationMs: 1_500, status: 'error', statusMessage: 'backend down', attributes: { 'esi.messaging.delivery_count': 2, 'esi.messaging.outcome': 'retry' } }),
  span({ spanId: 'g', parentSpanId: 'missing', name: 'process esi.result', service: 'state-aggregator', kind: 'consumer', startMs: 2_600, durationMs: 12 }),
];

/** The span of another change that released job j1. */
export const RELEASER = span({ traceId: 't0', spanId: 'x', name: 'process esi.result', service: 'planner', kind: 'consumer', startMs: 900, attributes: { 'messaging.destination.name': 'esi.result.heat_worker.subnet.s1' } });
