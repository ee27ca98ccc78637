/**
 * Starts the five services as separate processes (TypeScript run through tsx) and
 * waits for each to log "ready". Used by `pnpm start` and by the end-to-end tests.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { SERVICE_NAMES, type ServiceName } from '@esi/contracts';
import { startProcess, type Managed } from './child-process.js';
import { REPO_ROOT } from './repo-root.js';

export interface ServiceProcess {
  name: ServiceName;
  process: Managed;
  ready: Promise<void>;
}

export interface LaunchOptions {
  env: NodeJS.ProcessEnv;
  logDir: string;
  /** Called with every log line a service writes. */
  onLine?: (service: ServiceName, line: string) => void;
  readyTimeoutMs?: number;
}

export function startService(name: ServiceName, opts: LaunchOptions): ServiceProcess {
  mkdirSync(opts.logDir, { recursive: true });
  let markReady: () => void = () => undefined;
  let markFailed: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  const proc = startProcess(name, process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'services', name, 'src', 'main.ts')], {
    env: opts.env,
    cwd: REPO_ROOT,
    logFile: join(opts.logDir, `${name}.log`),
    onLine: (line) => {
      if (line.includes('"msg":"ready"')) markReady();
      opts.onLine?.(name, line);
    },
  });
  proc.proc.on('exit', (code, signal) => markFailed(new Error(`${name} exited (${signal ?? code}) before it was ready; see ${proc.logFile}`)));
  const timeout = setTimeout(
    () => markFailed(new Error(`${name} not ready after ${opts.readyTimeoutMs ?? 60_000} ms; see ${proc.logFile}`)),
    opts.readyTimeoutMs ?? 60_000,
  );
  ready.finally(() => clearTimeout(timeout)).catch(() => undefined);
  return { name, process: proc, ready };
}

export async function startAllServices(opts: LaunchOptions): Promise<Map<ServiceName, ServiceProcess>> {
  const procs = new Map(SERVICE_NAMES.map((n) => [n, startService(n, opts)] as const));
  try {
    await Promise.all([...procs.values()].map((p) => p.ready));
  } catch (err) {
    await Promise.all([...procs.values()].map((p) => p.process.stop()));
    throw err;
  }
  return procs;
}
