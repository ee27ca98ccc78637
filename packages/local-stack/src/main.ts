/**
 * `pnpm start`: the whole stack on one machine. Starts nats-server and etcd (unless
 * NATS_URL / ETCD_ENDPOINTS point at running ones), the five services, loads the
 * catalog (the api does at start), runs the example build unless --no-demo, prints each
 * resource's progress, and serves until Ctrl-C.
 */
import { resolve } from 'node:path';
import { runExampleBuild } from '@esi/demo';
import { ensureBinaries, killAllNow } from '@esi/test-servers';
import type { ConsoleEdge } from '@esi/console';
import { startConsole } from './console.js';
import { describeObservability, keepTraces, logEcho } from './observability.js';
import { REPO_ROOT } from './repo-root.js';
import { startStack } from './stack.js';

const args = new Set(process.argv.slice(2));
const say = (line: string): void => console.log(`[esi] ${line}`);

if (args.has('--help') || args.has('-h')) {
  console.log(`usage: pnpm start [--no-demo]

Environment:
  ESI_DATA_DIR        data and logs (default ./.esi-data)
  ESI_API_ADDR        gRPC listen address (default 127.0.0.1:50051)
  NATS_URL            use this NATS server instead of starting one
  ETCD_ENDPOINTS      use this etcd instead of starting one
  ESI_CATALOG_DIR     template catalog folder (default packages/catalog/templates)
  OTEL_EXPORTER_OTLP_ENDPOINT  also send traces to this OTLP/HTTP endpoint (they are
                      always kept in <data dir>/traces for pnpm esictl trace)
  ESI_METRICS_PORT_BASE  serve metrics on this port and the four after it (default:
                      free ports, printed at start)
  ESI_LOG_ECHO        service log lines shown here: a level (default info) or off
  ESI_CONSOLE_ADDR    the web console's host:port (default 127.0.0.1:50080)
  ESI_JAEGER_URL      the console reads traces from this Jaeger (and links to it)
                      instead of the span file`);
  process.exit(0);
}

const dataDir = resolve(process.env.ESI_DATA_DIR ?? `${REPO_ROOT}/.esi-data`);
ensureBinaries({ nats: !process.env.NATS_URL, etcd: !process.env.ETCD_ENDPOINTS }, say);
say(`starting (data and logs in ${dataDir})`);
const otlpForward = process.env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
const traces = await keepTraces(dataDir, otlpForward, say);
const stack = await startStack({
  dataDir,
  natsUrl: process.env.NATS_URL || undefined,
  etcdEndpoints: process.env.ETCD_ENDPOINTS || undefined,
  apiAddr: process.env.ESI_API_ADDR || '127.0.0.1:50051',
  env: {
    ESI_POLL_INTERVAL_MS: process.env.ESI_POLL_INTERVAL_MS ?? '2000',
    // Stacks take a moment, as real ones do, so progress can be followed as it happens.
    ESI_HEAT_SIMULATED_LATENCY_MS: process.env.ESI_HEAT_SIMULATED_LATENCY_MS ?? '200',
    OTEL_EXPORTER_OTLP_ENDPOINT: traces.url,
  },
  metricsPortBase: process.env.ESI_METRICS_PORT_BASE ? Number(process.env.ESI_METRICS_PORT_BASE) : undefined,
  onLine: logEcho(process.env.ESI_LOG_ECHO || 'info', (line) => console.log(line)),
  supervise: true,
  onRestart: (name, attempt, delayMs, exit) => say(`${name} exited (${exit}); restarting in ${delayMs} ms (attempt ${attempt})`),
});
say(`ready: gRPC API at ${stack.apiAddr} (nats ${stack.natsUrl}, etcd ${stack.etcdEndpoints}; service logs in ${dataDir}/logs)`);
if (stack.deviceSimulator) {
  const { snmpPort, controlUrl } = stack.deviceSimulator;
  say(
    `device simulator: SNMP at 127.0.0.1:${snmpPort}, where every device address is probed (ESI_DEVICE_ADDRESS_MAP); ` +
      `set an interface down with: pnpm --filter @esi/device-simulator cli set xe-0/0/4.1025 down --url ${controlUrl}`,
  );
}
for (const line of describeObservability(stack, traces, otlpForward)) say(line);

let consoleEdge: ConsoleEdge | undefined;
let stopping = 0;
const shutdown = async (): Promise<void> => {
  if (stopping) {
    // One Ctrl-C can arrive twice (the terminal signals the group, and a wrapper such as
    // npx may pass it on): only a second press, a moment later, means "stop now".
    if (Date.now() - stopping < 1_000) return;
    say('stopping now (second signal): killing every process');
    killAllNow();
    process.exit(130);
  }
  stopping = Date.now();
  say('stopping … (Ctrl-C again to stop at once)');
  await consoleEdge?.close();
  await stack.stop();
  await traces.close();
  say('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
// After the handlers: the first start builds the console's page, which takes a while,
// and a Ctrl-C meanwhile must still stop everything cleanly.
consoleEdge = await startConsole(stack.apiAddr, traces.file, say);
if (stopping) await new Promise(() => {}); // shutdown() exits the process

if (!args.has('--no-demo')) {
  await runExampleBuild({ apiAddr: stack.apiAddr, etcdEndpoints: stack.etcdEndpoints, say, stopping: () => stopping > 0 });
  say('serving; monitoring keeps polling. Ctrl-C stops everything.');
}
