/** Settings every service shares: where NATS, etcd and the trace collector are. */
import { parsers, type Spec } from './parse-env.js';

export interface CommonConfig {
  natsServers: string[];
  etcdEndpoints: string[];
  logLevel: string;
  otlpEndpoint: string;
  /** Prefix for stream and durable names, so tests can share a server safely. */
  streamPrefix: string;
  /** Seconds before a message held by a dead consumer is delivered again. */
  ackWaitSeconds: number;
  /** JetStream stream replicas: 1 on one server, 3 on a three-node cluster. */
  streamReplicas: number;
}

export const commonSpec: Spec<CommonConfig> = {
  natsServers: { env: 'NATS_URL', default: ['nats://127.0.0.1:4222'], parse: parsers.urlList },
  etcdEndpoints: { env: 'ETCD_ENDPOINTS', default: ['http://127.0.0.1:2379'], parse: parsers.urlList },
  logLevel: {
    env: 'LOG_LEVEL',
    default: 'info',
    parse: parsers.oneOf('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'),
  },
  otlpEndpoint: { env: 'OTEL_EXPORTER_OTLP_ENDPOINT', default: '', parse: parsers.string },
  ackWaitSeconds: { env: 'ESI_ACK_WAIT_SECONDS', default: 30, parse: parsers.int(1, 3600) },
  streamReplicas: { env: 'ESI_STREAM_REPLICAS', default: 1, parse: parsers.int(1, 5) },
  streamPrefix: {
    env: 'ESI_STREAM_PREFIX',
    default: '',
    parse: (raw) => {
      if (!/^[A-Z0-9_]+$/.test(raw)) throw new Error('expected upper-case letters, digits and _');
      return raw;
    },
  },
};
