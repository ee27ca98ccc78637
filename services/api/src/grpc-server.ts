/**
 * The gRPC server: ResourceService, the standard health service and server reflection,
 * over TLS when a certificate is configured (plaintext otherwise, as the local stack
 * runs it). The health service tells the truth: SERVING only while the api is ready and
 * reaches NATS and etcd (service-runtime's ServiceHealth), NOT_SERVING otherwise.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { api } from '@esi/contracts';
import type { ServiceHealth } from '@esi/service-runtime';
import { tolerantService } from './tolerant-decode.js';

export const RESOURCE_SERVICE = 'esi.api.v1.ResourceService';
const PROTO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'proto');
/** grpc-js refuses larger messages itself, with RESOURCE_EXHAUSTED. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface TlsFiles {
  cert: string;
  key: string;
  /** When set, clients must present a certificate signed by this CA. */
  clientCa: string;
}

export interface RunningServer {
  server: Server;
  port: number;
  health: HealthImplementation;
}

/** Plaintext only when no TLS file is given at all; a partial TLS setup is refused, never ignored. */
export function credentials(tls: TlsFiles): ServerCredentials {
  if (tls.clientCa && !(tls.cert && tls.key)) throw new Error('ESI_API_TLS_CLIENT_CA requires ESI_API_TLS_CERT and ESI_API_TLS_KEY');
  if (!tls.cert && !tls.key) return ServerCredentials.createInsecure();
  if (!tls.cert || !tls.key) throw new Error('ESI_API_TLS_CERT and ESI_API_TLS_KEY go together');
  const ca = tls.clientCa ? readFileSync(tls.clientCa) : null;
  return ServerCredentials.createSsl(ca, [{ cert_chain: readFileSync(tls.cert), private_key: readFileSync(tls.key) }], Boolean(ca));
}

/** `follow`: the service's health; without it (tests of the server alone) always SERVING. */
export async function startGrpcServer(addr: string, impl: api.ResourceServiceServer, creds: ServerCredentials, follow?: ServiceHealth): Promise<RunningServer> {
  const server = new Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES });
  server.addService(tolerantService(api.ResourceServiceService), impl);

  const status = (serving: boolean) => (serving ? 'SERVING' : 'NOT_SERVING');
  const initial = status(follow?.serving ?? true);
  const health = new HealthImplementation({ '': initial, [RESOURCE_SERVICE]: initial });
  follow?.onChange((serving) => {
    health.setStatus('', status(serving));
    health.setStatus(RESOURCE_SERVICE, status(serving));
  });
  health.addToServer(server);
  // The google.rpc error details too, so a client that knows only reflection can decode
  // the google.rpc.Status every error carries (grpc-status.ts).
  const errorModel = ['google/rpc/status.proto', 'google/rpc/error_details.proto'].map((p) => join(PROTO_ROOT, p));
  const definitions = loadSync([join(PROTO_ROOT, 'esi/api/v1/resource_service.proto'), ...errorModel, healthProtoPath], { includeDirs: [PROTO_ROOT] });
  new ReflectionService(definitions).addToServer(server);

  const port = await new Promise<number>((resolve, reject) => server.bindAsync(addr, creds, (err, p) => (err ? reject(err) : resolve(p))));
  return { server, port, health };
}
