import { describe, expect, it } from 'vitest';
import { latestChangeTrace } from './find-trace.js';
import { buildTree, duration, renderTrace } from './trace-tree.js';
import { CHANGE, RELEASER, span } from './test-spans.js';

describe('renderTrace', () => {
  it('prints the spans as a tree with offsets, durations, services and what matters about each', () => {
    const lines = renderTrace(CHANGE, { lookup: (id) => (id === 'x' ? RELEASER : undefined) });
    expect(lines).toEqual([
      'trace t1 · 7 spans · 4 services (api, planner, heat-worker, state-aggregator) · 1.61s',
      'start      duration  service            span',
      '+0.0ms        8.0ms  api                esi.api.v1.ResourceService/CreateResource',
      '+5.0ms        1.2ms  api                └─ send esi.config.network',
      '+10ms          30ms  planner               └─ process esi.config',
      '+20ms         5.0ms  planner                  └─ dispatch create:heat_worker  job j1 · released by planner "process esi.result" (esi.result.heat_worker.subnet.s1) of trace t0',
      '+22ms         2.0ms  planner                     └─ send esi.work.heat_worker',
      '+30ms         1.50s  heat-worker                    └─ process esi.work.heat_worker  ERROR: backend down · retry · delivery 2',
      '+1.60s         12ms  state-aggregator   process esi.result  parent missing not received',
    ]);
  });

  it('orders siblings by start and marks a link inside the trace', () => {
    const spans = [
      span({ spanId: 'r', name: 'root', service: 's', startMs: 0, durationMs: 10 }),
      span({ spanId: 'late', parentSpanId: 'r', name: 'late', service: 's', startMs: 5, links: [{ traceId: 't1', spanId: 'early' }] }),
      span({ spanId: 'early', parentSpanId: 'r', name: 'early', service: 's', startMs: 2 }),
    ];
    const tree = buildTree(spans);
    expect(tree.map((n) => n.span.name)).toEqual(['root']);
    expect(tree[0]!.children.map((n) => n.span.name)).toEqual(['early', 'late']);
    expect(renderTrace(spans).at(-1)).toContain('└─ late  after s "early" at +2.0ms');
  });

  it('formats durations for reading', () => {
    expect([duration(0.25), duration(12.4), duration(1234), duration(65_000)]).toEqual(['0.3ms', '12ms', '1.23s', '65.0s']);
  });
});

describe('latestChangeTrace', () => {
  const send = (traceId: string, startMs: number, dest: string) =>
    span({ traceId, spanId: `${traceId}-s`, name: 'send', service: 'api', kind: 'producer', startMs, attributes: { 'messaging.destination.name': dest } });

  it('picks the trace of the latest send on the resource’s config subject, prefix or not', () => {
    const spans = [send('old', 10, 'esi.config.network.n1'), send('new', 20, 't1.esi.config.network.n1'), send('other', 30, 'esi.config.network.n2')];
    expect(latestChangeTrace(spans, 'network', 'n1')).toBe('new');
    expect(latestChangeTrace(spans, 'subnet', 'n1')).toBeUndefined();
  });

  it('counts a trace from its first span, and falls back to dispatch spans of resync-planned changes', () => {
    const lateDispatchOfOld = span({ traceId: 'old', spanId: 'd', name: 'dispatch create:heat_worker', service: 'planner', startMs: 50, attributes: { 'esi.resource.id': 'n1', 'esi.resource.type': 'network' } });
    expect(latestChangeTrace([send('old', 10, 'esi.config.network.n1'), send('new', 20, 'esi.config.network.n1'), lateDispatchOfOld], 'network', 'n1')).toBe('new');
    const resync = { ...lateDispatchOfOld, traceId: 'resync', spanId: 'r' };
    expect(latestChangeTrace([send('old', 10, 'esi.config.network.n1'), resync], 'network', 'n1')).toBe('resync');
  });
});
