/**
 * What `pnpm start` reads from its environment, parsed once by @esi/config's parser (the
 * services parse theirs the same way); its --help lists this spec.
 */
import { resolve } from 'node:path';
import { DEFAULT_API_ADDR, parsers, type Spec } from '@esi/config';
import { REPO_ROOT } from './repo-root.js';

export interface StartEnv {
  dataDir: string;
  apiAddr: string;
  /** Empty: start a nats-server. */
  natsUrl: string;
  /** Empty: start an etcd. */
  etcdEndpoints: string;
  otlpForward: string;
  /** Unset: free ports, printed at start. */
  metricsPortBase: number | undefined;
  logEcho: string;
  consoleAddr: string;
  jaegerUrl: string;
  jaegerUiUrl: string;
  pollIntervalMs: string;
  heatLatencyMs: string;
}

const serverList = (where: string) => (raw: string) => parsers.serverList(where)(raw).join(',');

export const startSpec: Spec<StartEnv> = {
  dataDir: { env: 'ESI_DATA_DIR', default: resolve(REPO_ROOT, '.esi-data'), parse: (raw) => resolve(raw), doc: 'data and logs' },
  apiAddr: { env: 'ESI_API_ADDR', default: DEFAULT_API_ADDR, parse: parsers.hostPort, doc: 'gRPC listen address' },
  natsUrl: { env: 'NATS_URL', default: '', parse: serverList('use a server without credentials here'), doc: 'use this NATS server instead of starting one' },
  etcdEndpoints: { env: 'ETCD_ENDPOINTS', default: '', parse: serverList('etcd is reached without credentials'), doc: 'use this etcd instead of starting one' },
  otlpForward: {
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    default: '',
    parse: parsers.string,
    doc: 'also send traces to this OTLP/HTTP endpoint (they are always kept in <data dir>/traces for esictl trace)',
  },
  metricsPortBase: { env: 'ESI_METRICS_PORT_BASE', default: undefined, parse: parsers.int(1, 65530), doc: 'serve metrics on this port and the four after it (unset: free ports, printed at start)' },
  logEcho: { env: 'ESI_LOG_ECHO', default: 'info', parse: parsers.oneOf('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent', 'off'), doc: 'service log lines shown here: a level, or off' },
  consoleAddr: { env: 'ESI_CONSOLE_ADDR', default: '127.0.0.1:50080', parse: parsers.hostPort, doc: "the web console's host:port" },
  jaegerUrl: { env: 'ESI_JAEGER_URL', default: '', parse: parsers.string, doc: 'the console reads traces from this Jaeger (and links to it) instead of the span file' },
  jaegerUiUrl: { env: 'ESI_JAEGER_UI_URL', default: '', parse: parsers.string, doc: 'Jaeger as browsers reach it, for links (unset: ESI_JAEGER_URL)' },
  // The services have defaults of their own for these two; the local stack sets its own
  // because it runs a simulated Heat and devices, for a person watching.
  pollIntervalMs: { env: 'ESI_POLL_INTERVAL_MS', default: '2000', parse: (raw) => String(parsers.int(100, 3_600_000)(raw)), doc: 'how often monitoring polls the devices, ms' },
  heatLatencyMs: {
    env: 'ESI_HEAT_SIMULATED_LATENCY_MS',
    default: '200',
    parse: (raw) => String(parsers.int(0, 600_000)(raw)),
    doc: 'how long a simulated stack takes, ms (so progress can be followed as it happens)',
  },
};
