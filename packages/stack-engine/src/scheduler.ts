import type { DependencyGraph } from './dependencies.js';

export interface ScheduleFailure {
  readonly name: string;
  readonly error: unknown;
}

/**
 * Run `action` for every node once all its prerequisites have finished, several at a
 * time where the graph allows (as Heat does). After the first failure nothing new is
 * started; actions already running are awaited so the caller records a settled state.
 * Nodes start in the graph's key order whenever several are ready.
 */
export async function runInOrder(
  graph: DependencyGraph,
  action: (name: string) => Promise<void>,
): Promise<ScheduleFailure | undefined> {
  const done = new Set<string>();
  const started = new Set<string>();
  const running = new Map<string, Promise<void>>();
  let failure: ScheduleFailure | undefined;

  const ready = (name: string): boolean =>
    !started.has(name) && [...(graph.get(name) ?? [])].every((dep) => done.has(dep) || !graph.has(dep));

  for (;;) {
    if (failure === undefined) {
      for (const name of graph.keys()) {
        if (!ready(name)) continue;
        started.add(name);
        const run = Promise.resolve()
          .then(() => action(name))
          .then(
            () => {
              done.add(name);
            },
            (error: unknown) => {
              failure ??= { name, error };
            },
          )
          .finally(() => running.delete(name));
        running.set(name, run);
      }
    }
    if (running.size === 0) return failure;
    await Promise.race(running.values());
  }
}
