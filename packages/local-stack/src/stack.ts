/**
 * A whole local stack: nats-server and etcd (started here unless URLs are given), the
 * five services, and the gRPC address. Tests and `pnpm start` both use it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceName } from '@esi/contracts';
import { freePort } from './free-port.js';
import { startEtcd, startNats, type RunningServer } from './infra.js';
import { startAllServices, startService, type LaunchOptions, type ServiceProcess } from './services.js';

export interface StackOptions {
  /** Where server data and logs go; a new temporary folder when omitted. */
  dataDir?: string;
  natsUrl?: string;
  etcdEndpoints?: string;
  apiAddr?: string;
  /** Extra environment for the services (e.g. OTEL_EXPORTER_OTLP_ENDPOINT). */
  env?: Record<string, string>;
  onLine?: LaunchOptions['onLine'];
}

export interface Stack {
  dataDir: string;
  natsUrl: string;
  etcdEndpoints: string;
  apiAddr: string;
  services: Map<ServiceName, ServiceProcess>;
  /** Kills a service with SIGKILL and starts it again. */
  restart(name: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'esi-stack-'));
  const servers: RunningServer[] = [];
  try {
    const natsUrl = opts.natsUrl ?? (servers[servers.push(await startNats(dataDir)) - 1]!.url);
    const etcdEndpoints = opts.etcdEndpoints ?? (servers[servers.push(await startEtcd(dataDir)) - 1]!.url);
    const apiAddr = opts.apiAddr ?? `127.0.0.1:${await freePort()}`;
    const launch: LaunchOptions = {
      env: {
        ...process.env,
        NATS_URL: natsUrl,
        ETCD_ENDPOINTS: etcdEndpoints,
        ESI_API_ADDR: apiAddr,
        ...opts.env,
      },
      logDir: join(dataDir, 'logs'),
      onLine: opts.onLine,
    };
    const services = await startAllServices(launch);
    return {
      dataDir,
      natsUrl,
      etcdEndpoints,
      apiAddr,
      services,
      async restart(name, signal = 'SIGKILL') {
        await services.get(name)?.process.stop(signal);
        const next = startService(name, launch);
        services.set(name, next);
        await next.ready;
      },
      async stop() {
        await Promise.all([...services.values()].map((s) => s.process.stop()));
        for (const s of servers.reverse()) await s.stop();
      },
    };
  } catch (err) {
    for (const s of servers.reverse()) await s.stop();
    throw err;
  }
}
