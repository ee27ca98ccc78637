/**
 * `pnpm start`: the whole stack on one machine. Starts nats-server and etcd (unless
 * NATS_URL / ETCD_ENDPOINTS point at running ones), the five services, loads the
 * catalog (the api does at start), runs the example build unless --no-demo, prints each
 * resource's progress, and serves until Ctrl-C.
 */
import { resolve } from 'node:path';
import { Etcd3 } from 'etcd3';
import { startConsole } from './console.js';
import { loadExampleBuild } from '@esi/catalog';
import { killAllNow } from './child-process.js';
import { ensureBinaries } from './ensure-binaries.js';
import { describeObservability, keepTraces, logEcho } from './observability.js';
import { resourceClient } from './grpc-client.js';
import { submitBuild } from './example-build.js';
import { watchProgress } from './progress.js';
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
const consoleEdge = await startConsole(stack.apiAddr, traces.file, say);

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

if (!args.has('--no-demo')) {
  const etcd = new Etcd3({ hosts: stack.etcdEndpoints.split(',') });
  const started = Date.now();
  const names = new Map<string, string>();
  const settled = new Set<string>();
  const unwatch = await watchProgress(etcd, (e) => {
    const label = names.get(e.id) ?? `${e.plural}/${e.id}`;
    const t = ((Date.now() - started) / 1000).toFixed(1);
    if (e.kind === 'state') {
      const ws = (e.value.state as Record<string, string> | undefined)?.worker_state;
      const err = e.value.error ? ` error: ${String(e.value.error)}` : '';
      say(`+${t}s ${label}: ${ws} (version ${String(e.value.version)})${err}`);
      settled.add(e.id);
    } else {
      const { version, ...status } = e.value;
      say(`+${t}s ${label}: monitoring ${JSON.stringify(status)} (version ${String(version)})`);
    }
  });
  const build = loadExampleBuild('internet-gateway');
  say(`example build: ${build.length} resources (internet gateway → gw_interface, its ports and logical ports)`);
  const submitted = await submitBuild(resourceClient(stack.apiAddr), build, (r) => {
    names.set(r.id, `${r.type} ${r.ref} (${r.id.slice(0, 8)})`);
    say(`submitted ${r.type} ${r.ref} ${r.id}`);
  });
  const deadline = Date.now() + 120_000;
  while (submitted.some((r) => !settled.has(r.id)) && Date.now() < deadline && !stopping) {
    await new Promise((r) => setTimeout(r, 250));
  }
  const missing = submitted.filter((r) => !settled.has(r.id));
  if (missing.length === 0) say(`example build complete: ${submitted.length} resources settled in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  else say(`example build: ${missing.length} resources not settled yet: ${missing.map((m) => m.ref).join(', ')}`);
  say('serving; monitoring keeps polling. Ctrl-C stops everything.');
  void unwatch;
}
