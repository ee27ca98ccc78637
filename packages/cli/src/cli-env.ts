/**
 * What esictl reads from its environment, parsed once by @esi/config's parser like
 * every service's settings; a flag given on the command line wins over its variable.
 */
import { DEFAULT_API_ADDR, parsers, type Spec } from '@esi/config';

export interface CliEnv {
  apiAddr: string;
  token: string;
  caFile: string;
  etcdEndpoints: string;
  jaegerUrl: string;
}

export const cliSpec: Spec<CliEnv> = {
  apiAddr: { env: 'ESI_API_ADDR', default: DEFAULT_API_ADDR, parse: parsers.hostPort, doc: "the api's gRPC address (--addr)" },
  token: { env: 'ESI_TOKEN', default: '', parse: parsers.string, secret: true, doc: 'bearer token (--token)' },
  caFile: { env: 'ESI_API_CA', default: '', parse: parsers.string, doc: "PEM file of the api's CA: TLS, verified against it (--ca)" },
  etcdEndpoints: { env: 'ETCD_ENDPOINTS', default: '', parse: parsers.string, doc: 'etcd that replay watches (--etcd)' },
  jaegerUrl: { env: 'ESI_JAEGER_URL', default: '', parse: parsers.string, doc: 'Jaeger query service that trace reads (--jaeger)' },
};
