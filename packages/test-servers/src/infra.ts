/**
 * Starts real nats-server (JetStream) and etcd from PATH on free loopback ports, with
 * data in the given folder. Used by `pnpm start` and by every integration test.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort } from './free-port.js';
import { startProcess, waitForPort, type Managed } from './child-process.js';
import { goServerEnv } from './go-server-env.js';

export interface RunningServer {
  url: string;
  port: number;
  process: Managed;
  stop(): Promise<void>;
  /** Stops the server (SIGKILL by default) and starts it again on the same ports and data. */
  restart?(signal?: NodeJS.Signals): Promise<void>;
}

export class MissingBinaryError extends Error {
  override readonly name = 'MissingBinaryError';
  constructor(binary: string, debianPackage: string) {
    super(`${binary} is not on PATH; install it (as root: apt-get update && apt-get install -y ${debianPackage})`);
  }
}

export function hasBinary(binary: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function startNats(dataDir: string, port?: number): Promise<RunningServer> {
  if (!hasBinary('nats-server')) throw new MissingBinaryError('nats-server', 'nats-server');
  const p = port ?? (await freePort());
  const dir = join(dataDir, 'nats');
  mkdirSync(dir, { recursive: true });
  const launch = async (): Promise<Managed> => {
    const proc = startProcess('nats-server', 'nats-server', ['-a', '127.0.0.1', '-p', String(p), '-js', '-sd', dir], {
      logFile: join(dataDir, 'nats-server.log'),
      env: goServerEnv(process.env),
    });
    await waitForPort(p, '127.0.0.1', 20_000, () => proc.proc.exitCode === null);
    return proc;
  };
  return restartable(`nats://127.0.0.1:${p}`, p, launch, await launch());
}

/**
 * How long etcd keeps the revisions a later write superseded before it compacts them away.
 * etcd keeps every revision until told otherwise, and each resource the chain builds
 * leaves about 25 KB of history behind, so without compaction the 2 GiB default quota
 * fills after some 85,000 resources and etcd refuses every write (NOSPACE) until an
 * operator compacts and defragments it. An hour is far longer than any service needs to
 * resume a watch; a Watch call asking for older history gets REVISION_COMPACTED.
 */
export const ETCD_HISTORY_RETENTION = '1h';

/** etcd's flags for periodic compaction keeping `retention` (a Go duration, or hours; '0' keeps all). */
export function historyArgs(retention: string = ETCD_HISTORY_RETENTION): string[] {
  return ['--auto-compaction-mode', 'periodic', '--auto-compaction-retention', retention];
}

export interface EtcdOptions {
  /** Overrides ETCD_HISTORY_RETENTION (tests that watch compaction happen use seconds). */
  historyRetention?: string;
  /**
   * `--metrics extensive`: etcd also keeps a histogram of the time it took to handle each
   * gRPC request, by method (grpc_server_handling_seconds), so the bench can tell etcd's
   * own time from the time a client waited.
   */
  extensiveMetrics?: boolean;
}

export async function startEtcd(dataDir: string, port?: number, opts: EtcdOptions = {}): Promise<RunningServer> {
  if (!hasBinary('etcd')) throw new MissingBinaryError('etcd', 'etcd-server');
  const clientPort = port ?? (await freePort());
  const peerPort = await freePort();
  const dir = join(dataDir, 'etcd');
  mkdirSync(dataDir, { recursive: true });
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const launch = async (): Promise<Managed> => {
    const proc = startProcess(
      'etcd',
      'etcd',
      [
        '--name', 'esi',
        '--data-dir', dir,
        '--listen-client-urls', client,
        '--advertise-client-urls', client,
        '--listen-peer-urls', peer,
        '--initial-advertise-peer-urls', peer,
        '--initial-cluster', `esi=${peer}`,
        '--log-level', 'warn',
        ...historyArgs(opts.historyRetention),
        ...(opts.extensiveMetrics ? ['--metrics', 'extensive'] : []),
      ],
      { logFile: join(dataDir, 'etcd.log'), env: goServerEnv(process.env) },
    );
    await waitForPort(clientPort, '127.0.0.1', 20_000, () => proc.proc.exitCode === null);
    return proc;
  };
  return restartable(client, clientPort, launch, await launch());
}

/** A server whose process `launch` starts (again, on restart) with the same data and port. */
export function restartable(url: string, port: number, launch: () => Promise<Managed>, first: Managed): RunningServer {
  const server: RunningServer = {
    url,
    port,
    process: first,
    stop: async () => void (await server.process.stop()),
    restart: async (signal = 'SIGKILL') => {
      await server.process.stop(signal);
      server.process = await launch();
    },
  };
  return server;
}
