import { DependencyCycleError } from './errors.js';

/**
 * Which resources each resource needs before it can be created. Keys are in template
 * order, which is also the tie-break order wherever several resources are ready at once.
 */
export type DependencyGraph = ReadonlyMap<string, ReadonlySet<string>>;

/** Throws DependencyCycleError naming the resources of the first cycle found. */
export function assertAcyclic(graph: DependencyGraph): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: string[] = [];
  const visit = (name: string): void => {
    const seen = state.get(name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      throw new DependencyCycleError([...trail.slice(trail.indexOf(name)), name]);
    }
    state.set(name, 'visiting');
    trail.push(name);
    for (const dep of graph.get(name) ?? []) if (graph.has(dep)) visit(dep);
    trail.pop();
    state.set(name, 'done');
  };
  for (const name of graph.keys()) visit(name);
}

/** A creation order: every resource after all it depends on, template order otherwise. */
export function topologicalOrder(graph: DependencyGraph): string[] {
  assertAcyclic(graph);
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < graph.size) {
    for (const [name, deps] of graph) {
      if (placed.has(name)) continue;
      if ([...deps].every((d) => placed.has(d) || !graph.has(d))) {
        order.push(name);
        placed.add(name);
        break;
      }
    }
  }
  return order;
}

/** The same resources with every edge turned round: what must go before a resource is deleted. */
export function reverseGraph(graph: DependencyGraph): DependencyGraph {
  const reversed = new Map<string, Set<string>>();
  for (const name of [...graph.keys()].reverse()) reversed.set(name, new Set());
  for (const [name, deps] of graph) {
    for (const dep of deps) reversed.get(dep)?.add(name);
  }
  return reversed;
}

/**
 * Only the named resources. An edge that ran through a left-out resource is kept as a
 * direct edge, so order is preserved even when the middle of a chain stays behind.
 */
export function subgraph(graph: DependencyGraph, names: ReadonlySet<string>): DependencyGraph {
  const out = new Map<string, Set<string>>();
  for (const name of graph.keys()) {
    if (!names.has(name)) continue;
    const deps = new Set<string>();
    const seen = new Set<string>();
    const walk = (from: string): void => {
      for (const dep of graph.get(from) ?? []) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        if (names.has(dep)) deps.add(dep);
        else walk(dep);
      }
    };
    walk(name);
    out.set(name, deps);
  }
  return out;
}
