import { describe, expect, it } from 'vitest';
import { assertAcyclic, reverseGraph, subgraph, topologicalOrder } from './dependencies.js';
import { DependencyCycleError } from './errors.js';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));

describe('dependency graph', () => {
  it('orders resources after their prerequisites, template order otherwise', () => {
    expect(topologicalOrder(graph({ c: ['b'], a: [], b: ['a'], d: [] }))).toEqual(['a', 'b', 'c', 'd']);
    expect(topologicalOrder(graph({ x: [], y: [], z: [] }))).toEqual(['x', 'y', 'z']);
  });

  it('reports the resources of a cycle', () => {
    let caught: unknown;
    try {
      assertAcyclic(graph({ a: ['b'], b: ['c'], c: ['a'] }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DependencyCycleError);
    expect((caught as DependencyCycleError).cycle).toEqual(['a', 'b', 'c', 'a']);
    expect((caught as DependencyCycleError).message).toBe('Circular Dependency Found: a -> b -> c -> a');
    expect((caught as DependencyCycleError).retryable).toBe(false);
  });

  it('reverses edges for deletion', () => {
    const reversed = reverseGraph(graph({ net: [], subnet: ['net'], port: ['net', 'subnet'] }));
    expect(topologicalOrder(reversed)).toEqual(['port', 'subnet', 'net']);
  });

  it('keeps order through resources left out of a subgraph', () => {
    const sub = subgraph(graph({ a: [], b: ['a'], c: ['b'] }), new Set(['a', 'c']));
    expect([...(sub.get('c') ?? [])]).toEqual(['a']);
    expect(sub.has('b')).toBe(false);
  });
});
