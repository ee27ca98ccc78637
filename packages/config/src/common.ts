/** Settings every service shares: where NATS, etcd and the trace collector are. */
import { parsers, type Check, type Spec } from './parse-env.js';

export interface CommonConfig {
  /** Server URLs without credentials (they are logged); credentials are the three below. */
  natsServers: string[];
  natsUser: string;
  natsPassword: string;
  natsToken: string;
  etcdEndpoints: string[];
  logLevel: string;
  otlpEndpoint: string;
  /** Prefix for stream and durable names, so tests can share a server safely. */
  streamPrefix: string;
  /** Seconds before a message held by a dead consumer is delivered again. */
  ackWaitSeconds: number;
  /** JetStream stream replicas: 1 on one server, 3 on a three-node cluster. */
  streamReplicas: number;
  /** Every stream's retention: oldest messages go past this age or size (per stream). */
  streamMaxAgeHours: number;
  streamMaxMessages: number;
  streamMaxMegabytes: number;
}

/** Where the api listens for gRPC, and where esictl, the console and `pnpm start` reach it, unless told. */
export const DEFAULT_API_ADDR = '127.0.0.1:50051';

/** The streams' retention when the environment says nothing; @esi/messaging applies it as DEFAULT_STREAM_LIMITS. */
export const DEFAULT_STREAM_RETENTION = Object.freeze({ maxAgeHours: 720, maxMessages: 1_000_000, maxMegabytes: 0 });

export const commonSpec: Spec<CommonConfig> = {
  natsServers: {
    env: 'NATS_URL',
    default: ['nats://127.0.0.1:4222'],
    parse: parsers.serverList('set NATS_USER and NATS_PASSWORD, or NATS_TOKEN, instead'),
  },
  natsUser: { env: 'NATS_USER', default: '', parse: parsers.string, doc: 'NATS user name (with NATS_PASSWORD)' },
  natsPassword: { env: 'NATS_PASSWORD', default: '', parse: parsers.string, secret: true, doc: 'NATS password (with NATS_USER)' },
  natsToken: { env: 'NATS_TOKEN', default: '', parse: parsers.string, secret: true, doc: 'NATS authorization token' },
  etcdEndpoints: {
    env: 'ETCD_ENDPOINTS',
    default: ['http://127.0.0.1:2379'],
    parse: parsers.serverList('etcd is reached without credentials: keep it on a private network'),
  },
  logLevel: {
    env: 'LOG_LEVEL',
    default: 'info',
    parse: parsers.oneOf('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'),
  },
  otlpEndpoint: { env: 'OTEL_EXPORTER_OTLP_ENDPOINT', default: '', parse: parsers.string },
  ackWaitSeconds: { env: 'ESI_ACK_WAIT_SECONDS', default: 30, parse: parsers.int(1, 3600) },
  streamReplicas: { env: 'ESI_STREAM_REPLICAS', default: 1, parse: parsers.int(1, 5) },
  streamMaxAgeHours: { env: 'ESI_STREAM_MAX_AGE_HOURS', default: DEFAULT_STREAM_RETENTION.maxAgeHours, parse: parsers.int(1, 87_600), doc: 'hours a stream keeps a message' },
  streamMaxMessages: { env: 'ESI_STREAM_MAX_MSGS', default: DEFAULT_STREAM_RETENTION.maxMessages, parse: parsers.int(1, 1_000_000_000), doc: 'messages each stream keeps' },
  streamMaxMegabytes: { env: 'ESI_STREAM_MAX_MB', default: DEFAULT_STREAM_RETENTION.maxMegabytes, parse: parsers.int(0, 1_048_576), doc: 'MiB each stream keeps (0: no byte cap; a cap is reserved on disk per stream)' },
  streamPrefix: {
    env: 'ESI_STREAM_PREFIX',
    default: '',
    parse: (raw) => {
      if (!/^[A-Z0-9_]+$/.test(raw)) throw new Error('expected upper-case letters, digits and _');
      return raw;
    },
  },
};

/** NATS takes a user with a password, or a token; half of a pair is a mistake, not "no auth". */
export const commonChecks: Check<CommonConfig>[] = [
  (c) => {
    const problems: string[] = [];
    if (Boolean(c.natsUser) !== Boolean(c.natsPassword)) problems.push('NATS_USER and NATS_PASSWORD go together: set both or neither');
    if (c.natsToken && c.natsUser) problems.push('NATS_TOKEN and NATS_USER exclude each other: the server takes one kind of credential');
    return problems;
  },
];
