/**
 * The console on its own, for deployments where `pnpm start` does not run it (the
 * compose stack): `node --import tsx packages/console/src/main.ts`. Reads its settings
 * once (console-env.ts), builds the front end if it is missing or stale (unless given a
 * built one), and serves until SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseConfigOrExit } from '@esi/config';
import { consoleSpec, type ConsoleEnv } from './console-env.js';
import { startConsoleEdge } from './edge-server.js';
import { ensureWebBuild } from './web-build.js';

const say = (line: string): void => console.log(`[console] ${line}`);

const env: ConsoleEnv = parseConfigOrExit(consoleSpec, process.env, '[console]');
if (!env.webRoot) await ensureWebBuild(say);
const edge = await startConsoleEdge({
  webRoot: env.webRoot || undefined,
  apiAddr: env.apiAddr,
  apiTls: env.apiTls || env.apiCaFile ? { ca: env.apiCaFile ? readFileSync(env.apiCaFile) : undefined } : undefined,
  listen: env.listen,
  spanFile: env.spanFile || undefined,
  jaegerUrl: env.jaegerUrl || undefined,
  jaegerUiUrl: env.jaegerUiUrl || undefined,
  onProblem: (m) => say(m),
});
say(`ready: ${edge.url} (api ${env.apiAddr})`);
const stop = async (): Promise<void> => {
  await edge.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
