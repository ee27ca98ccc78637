/**
 * `pnpm start`: the whole stack on one machine. Starts nats-server and etcd (unless
 * NATS_URL / ETCD_ENDPOINTS point at running ones), the five services, loads the
 * catalog (the api does at start), runs the example build unless --no-demo, prints each
 * resource's progress, and serves until Ctrl-C.
 */
import { describeSpec, parseConfigOrExit } from '@esi/config';
import { runExampleBuild } from '@esi/demo';
import { ensureBinaries, onStopSignals } from '@esi/test-servers';
import type { ConsoleEdge } from '@esi/console';
import { startConsole } from './console.js';
import { describeObservability, keepTraces, logEcho } from './observability.js';
import { startSpec, type StartEnv } from './start-env.js';
import { startStack } from './stack.js';

const args = new Set(process.argv.slice(2));
const say = (line: string): void => console.log(`[esi] ${line}`);

if (args.has('--help') || args.has('-h')) {
  console.log(`usage: pnpm start [--no-demo]\n\nEnvironment:\n${describeSpec(startSpec).join("\n")}\n\nThe services it starts read their own settings from the same environment (README: Configuration).`);
  process.exit(0);
}

const env: StartEnv = parseConfigOrExit(startSpec, process.env, '[esi]');
const dataDir = env.dataDir;
ensureBinaries({ nats: !env.natsUrl, etcd: !env.etcdEndpoints }, say);
say(`starting (data and logs in ${dataDir})`);
const otlpForward = env.otlpForward || undefined;
const traces = await keepTraces(dataDir, otlpForward, say);
const stack = await startStack({
  dataDir,
  natsUrl: env.natsUrl || undefined,
  etcdEndpoints: env.etcdEndpoints || undefined,
  apiAddr: env.apiAddr,
  env: {
    ESI_POLL_INTERVAL_MS: env.pollIntervalMs,
    ESI_HEAT_SIMULATED_LATENCY_MS: env.heatLatencyMs,
    OTEL_EXPORTER_OTLP_ENDPOINT: traces.url,
  },
  metricsPortBase: env.metricsPortBase,
  onLine: logEcho(env.logEcho, (line) => console.log(line)),
  supervise: true,
  onRestart: (name, attempt, delayMs, exit) => say(`${name} exited (${exit}); restarting in ${delayMs} ms (attempt ${attempt})`),
});
// The handlers go in before "ready" is printed: a Ctrl-C right after it (a person, or the
// clean-stop test) must find them, or the process dies by SIGINT with its children running.
// Set once the console has started (it may not have when a stop comes).
const consoleEdge: { current?: ConsoleEdge } = {};
const stop = onStopSignals(async () => {
  say('stopping … (Ctrl-C again to stop at once)');
  await consoleEdge.current?.close();
  await stack.stop();
  await traces.close();
  say('stopped');
  return 0;
}, say);
say(`ready: gRPC API at ${stack.apiAddr} (nats ${stack.natsUrl}, etcd ${stack.etcdEndpoints}; service logs in ${dataDir}/logs)`);
if (stack.deviceSimulator) {
  const { snmpPort, controlUrl } = stack.deviceSimulator;
  say(
    `device simulator: SNMP at 127.0.0.1:${snmpPort}, where every device address is probed (ESI_DEVICE_ADDRESS_MAP); ` +
      `set an interface down with: pnpm --filter @esi/device-simulator cli set xe-0/0/4.1025 down --url ${controlUrl}`,
  );
}
for (const line of describeObservability(stack, traces, otlpForward)) say(line);

// After the handlers: the first start builds the console's page, which takes a while,
// and a Ctrl-C meanwhile must still stop everything cleanly.
consoleEdge.current = await startConsole({ apiAddr: stack.apiAddr, spanFile: traces.file, listen: env.consoleAddr, jaegerUrl: env.jaegerUrl, jaegerUiUrl: env.jaegerUiUrl }, say);
if (stop.requested) await new Promise(() => {}); // the stop exits the process

if (!args.has('--no-demo')) {
  await runExampleBuild({ apiAddr: stack.apiAddr, etcdEndpoints: stack.etcdEndpoints, say, stopping: () => stop.requested });
  say('serving; monitoring keeps polling. Ctrl-C stops everything.');
}
