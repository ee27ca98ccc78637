/**
 * The stack under test: real nats-server (JetStream, file storage) and etcd (fsync on
 * every commit, its default) on free loopback ports, started here so their process ids
 * are known, then the five services through @esi/local-stack. Log lines of the services
 * can be awaited (the planner's "resync done" line times a resync).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceName } from '@esi/contracts';
import { startEtcd, startNats, type RunningServer } from '@esi/test-servers';
import { startStack, type ServiceProcess, type Stack, type StackOptions } from '@esi/local-stack';

export interface LogLine {
  service: ServiceName;
  line: string;
  atMs: number;
}

export interface BenchStack {
  stack: Stack;
  nats: RunningServer;
  etcd: RunningServer;
  dataDir: string;
  /** The services by name: the five, then the replicas under the names they were given (e.g. planner-2). */
  services(): Map<string, ServiceProcess>;
  /** Process ids by name: the services (replicas included), nats-server and etcd. */
  pids(): Map<string, number>;
  /**
   * Starts one more instance of a service with `env` over the stack's, sampled and
   * reported as `as` (e.g. planner-2); its log is logs/<service>-<n>.log (planner-1.log).
   */
  startReplica(service: ServiceName, as: string, env?: NodeJS.ProcessEnv): Promise<ServiceProcess>;
  /**
   * Resolves with the first line of `service` after now that matches; rejects after
   * `timeoutMs` or when `signal` aborts (a wait nobody needs any more).
   */
  nextLine(service: ServiceName, matches: (line: string) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<LogLine>;
  /** Collects the lines of `service` that match, from now until `stop()`. */
  collectLines(service: ServiceName, matches: (line: string) => boolean): { stop(): LogLine[] };
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export interface BenchStackOptions {
  /** Environment for one service only (e.g. the planner's ESI_PLANNER_PARTITIONS). */
  serviceEnv?: StackOptions['serviceEnv'];
  /** Run the services from this compiled copy of the workspace (as the image runs them) instead of through tsx. */
  compiledRoot?: string;
}

export async function startBenchStack(env: Record<string, string>, opts: BenchStackOptions = {}): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'esi-bench-'));
  const listeners = new Set<(l: LogLine) => void>();
  const nats = await startNats(dataDir);
  // Its handling-time histograms tell etcd's own time per request from the services' wait.
  const etcd = await startEtcd(dataDir, undefined, { extensiveMetrics: true });
  let stack: Stack;
  try {
    stack = await startStack({
      dataDir,
      natsUrl: nats.url,
      etcdEndpoints: etcd.url,
      env,
      ...(opts.serviceEnv ? { serviceEnv: opts.serviceEnv } : {}),
      ...(opts.compiledRoot ? { compiledRoot: opts.compiledRoot } : {}),
      onLine: (service, line) => {
        if (listeners.size === 0) return;
        const l = { service, line, atMs: Date.now() };
        for (const fn of listeners) fn(l);
      },
    });
  } catch (err) {
    await etcd.stop();
    await nats.stop();
    throw err;
  }
  const replicas = new Map<string, ServiceProcess>();
  const services = (): Map<string, ServiceProcess> => new Map<string, ServiceProcess>([...stack.services, ...replicas]);
  return {
    stack,
    nats,
    etcd,
    dataDir,
    services,
    async startReplica(service, as, env) {
      const replica = await stack.startReplica(service, env);
      replicas.set(as, replica);
      return replica;
    },
    pids() {
      const out = new Map<string, number>();
      for (const [name, svc] of services()) if (svc.process.proc.pid) out.set(name, svc.process.proc.pid);
      if (nats.process.proc.pid) out.set('nats-server', nats.process.proc.pid);
      if (etcd.process.proc.pid) out.set('etcd', etcd.process.proc.pid);
      return out;
    },
    nextLine(service, matches, timeoutMs, signal) {
      return new Promise((resolve, reject) => {
        const end = (): void => {
          listeners.delete(fn);
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        const fn = (l: LogLine): void => {
          if (l.service !== service || !matches(l.line)) return;
          end();
          resolve(l);
        };
        const onAbort = (): void => {
          end();
          reject(new Error('no longer waited for'));
        };
        const timer = setTimeout(() => {
          end();
          reject(new Error(`${service} wrote no matching line within ${timeoutMs} ms`));
        }, timeoutMs);
        signal?.addEventListener('abort', onAbort);
        listeners.add(fn);
      });
    },
    collectLines(service, matches) {
      const seen: LogLine[] = [];
      const fn = (l: LogLine): void => {
        if (l.service === service && matches(l.line)) seen.push(l);
      };
      listeners.add(fn);
      return {
        stop() {
          listeners.delete(fn);
          return seen;
        },
      };
    },
    async stop(opts = {}) {
      await stack.stop();
      await etcd.stop();
      await nats.stop();
      if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
