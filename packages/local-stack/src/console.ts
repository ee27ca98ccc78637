/**
 * The web console for `pnpm start`: builds the front end if it is missing or stale,
 * then serves it with its HTTP edge to the api (loopback by default, start-env.ts). A
 * console that cannot start is reported, and the stack runs without it.
 */
import { ensureWebBuild, startConsoleEdge, type ConsoleEdge } from '@esi/console';

export interface ConsoleSettings {
  apiAddr: string;
  spanFile: string;
  listen: string;
  jaegerUrl: string;
  jaegerUiUrl: string;
}

export async function startConsole(s: ConsoleSettings, say: (line: string) => void): Promise<ConsoleEdge | undefined> {
  try {
    await ensureWebBuild(say);
    const edge = await startConsoleEdge({
      apiAddr: s.apiAddr,
      listen: s.listen,
      spanFile: s.spanFile,
      jaegerUrl: s.jaegerUrl || undefined,
      jaegerUiUrl: s.jaegerUiUrl || undefined,
      onProblem: (m) => say(`console: ${m}`),
    });
    say(`console: open ${edge.url} to follow every change (resources, job graphs, traces)`);
    return edge;
  } catch (err) {
    say(`console: not started: ${(err as Error).message}`);
    return undefined;
  }
}
