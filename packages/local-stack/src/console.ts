/**
 * The web console for `pnpm start`: builds the front end if it is missing or stale,
 * then serves it with its HTTP edge to the api on ESI_CONSOLE_ADDR (loopback by
 * default). A console that cannot start is reported, and the stack runs without it.
 */
import { ensureWebBuild, startConsoleEdge, type ConsoleEdge } from '@esi/console';

export const DEFAULT_CONSOLE_ADDR = '127.0.0.1:50080';

export async function startConsole(apiAddr: string, spanFile: string, say: (line: string) => void): Promise<ConsoleEdge | undefined> {
  try {
    await ensureWebBuild(say);
    const edge = await startConsoleEdge({
      apiAddr,
      listen: process.env.ESI_CONSOLE_ADDR || DEFAULT_CONSOLE_ADDR,
      spanFile,
      jaegerUrl: process.env.ESI_JAEGER_URL || undefined,
      jaegerUiUrl: process.env.ESI_JAEGER_UI_URL || undefined,
      onProblem: (m) => say(`console: ${m}`),
    });
    say(`console: open ${edge.url} to follow every change (resources, job graphs, traces)`);
    return edge;
  } catch (err) {
    say(`console: not started: ${(err as Error).message}`);
    return undefined;
  }
}
