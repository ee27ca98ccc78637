/**
 * The console on its own, for deployments where `pnpm start` does not run it (the
 * compose stack): `node --import tsx packages/console/src/main.ts`. Reads its settings
 * once, builds the front end if it is missing or stale, and serves until SIGTERM.
 *
 *   ESI_API_ADDR          the api's gRPC address (default 127.0.0.1:50051)
 *   ESI_CONSOLE_ADDR      where the console listens (default 127.0.0.1:50080)
 *   ESI_CONSOLE_SPAN_FILE a span file to read traces from (as `pnpm start` keeps them)
 *   ESI_JAEGER_URL        a Jaeger query service to read traces from instead
 *   ESI_JAEGER_UI_URL     Jaeger as browsers reach it, for links (default ESI_JAEGER_URL)
 *   ESI_CONSOLE_API_TLS   "true": reach the api over TLS (ESI_API_CA: its CA's PEM file)
 *   ESI_CONSOLE_WEB_ROOT  a front end built beforehand (the image's): served as it is,
 *                         nothing is built at start
 */
import { readFileSync } from 'node:fs';
import { startConsoleEdge } from './edge-server.js';
import { ensureWebBuild } from './web-build.js';

const say = (line: string): void => console.log(`[console] ${line}`);
const env = process.env;

const webRoot = env.ESI_CONSOLE_WEB_ROOT || undefined;
if (webRoot === undefined) await ensureWebBuild(say);
const edge = await startConsoleEdge({
  webRoot,
  apiAddr: env.ESI_API_ADDR || '127.0.0.1:50051',
  apiTls: env.ESI_CONSOLE_API_TLS === 'true' || env.ESI_API_CA ? { ca: env.ESI_API_CA ? readFileSync(env.ESI_API_CA) : undefined } : undefined,
  listen: env.ESI_CONSOLE_ADDR || '127.0.0.1:50080',
  spanFile: env.ESI_CONSOLE_SPAN_FILE || undefined,
  jaegerUrl: env.ESI_JAEGER_URL || undefined,
  jaegerUiUrl: env.ESI_JAEGER_UI_URL || undefined,
  onProblem: (m) => say(m),
});
say(`ready: ${edge.url} (api ${env.ESI_API_ADDR || '127.0.0.1:50051'})`);
const stop = async (): Promise<void> => {
  await edge.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
