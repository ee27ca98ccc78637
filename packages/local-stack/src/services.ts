/**
 * Starts the five services as separate processes (TypeScript run through tsx, or a
 * compiled copy of the workspace run as JavaScript) and waits for each to log "ready".
 * Used by `pnpm start`, the end-to-end tests and the bench.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { SERVICE_NAMES, type ServiceName } from '@esi/contracts';
import { startProcess, type Managed } from '@esi/test-servers';
import { REPO_ROOT } from './repo-root.js';

export interface ServiceProcess {
  name: ServiceName;
  process: Managed;
  ready: Promise<void>;
  /** Its GET /metrics URL, from its "ready" line (when ESI_METRICS_ADDR was set). */
  readonly metricsUrl?: string;
}

export interface LaunchOptions {
  env: NodeJS.ProcessEnv;
  logDir: string;
  /** Called with every log line a service writes. */
  onLine?: (service: ServiceName, line: string) => void;
  readyTimeoutMs?: number;
  /** Environment for one service only, over `env` (e.g. its own ESI_METRICS_ADDR). */
  serviceEnv?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
  /** Its log file's name (without .log): a replica's own, not its first instance's. */
  logName?: string;
  /**
   * A compiled copy of the workspace (compiled-workspace.ts): the service runs from it as
   * plain JavaScript, as the production image runs it, instead of through tsx.
   */
  compiledRoot?: string;
}

export function startService(name: ServiceName, opts: LaunchOptions): ServiceProcess {
  mkdirSync(opts.logDir, { recursive: true });
  let markReady: () => void = () => undefined;
  let markFailed: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  let metricsUrl: string | undefined;
  // The last lines it wrote, for the error when it dies before it is ready: the log file
  // may be gone by the time anyone reads the error (a CI run's temporary directory).
  const lastLines: string[] = [];
  const root = opts.compiledRoot ?? REPO_ROOT;
  const args = opts.compiledRoot ? [join(root, 'services', name, 'src', 'main.js')] : ['--import', 'tsx', join(root, 'services', name, 'src', 'main.ts')];
  const proc = startProcess(name, process.execPath, args, {
    env: { ...opts.env, ...opts.serviceEnv?.[name] },
    cwd: root,
    logFile: join(opts.logDir, `${opts.logName ?? name}.log`),
    ipc: true,
    onLine: (line) => {
      lastLines.push(line);
      if (lastLines.length > LINES_KEPT) lastLines.shift();
      if (line.includes('"msg":"ready"')) {
        metricsUrl = metricsUrlOf(line);
        markReady();
      }
      opts.onLine?.(name, line);
    },
  });
  // Readiness comes over IPC (run-service.ts), so it does not depend on LOG_LEVEL.
  proc.proc.on('message', (m: { esi?: string; metrics?: string }) => {
    if (m?.esi !== 'ready') return;
    if (m.metrics) metricsUrl = m.metrics;
    markReady();
  });
  proc.proc.on('exit', (code, signal) => {
    const fail = (): void =>
      markFailed(new Error(`${name} exited (${signal ?? code}) before it was ready; see ${proc.logFile}; its last lines:\n${lastLines.join('\n')}`));
    // Its last output reaches onLine by 'close', which a grandchild holding the pipes
    // (the TypeScript loader's esbuild) can hold back; wait a second at most.
    const late = setTimeout(fail, 1_000);
    proc.proc.once('close', () => {
      clearTimeout(late);
      fail();
    });
  });
  const timeout = setTimeout(
    () => markFailed(new Error(`${name} not ready after ${opts.readyTimeoutMs ?? 60_000} ms; see ${proc.logFile}`)),
    opts.readyTimeoutMs ?? 60_000,
  );
  ready.finally(() => clearTimeout(timeout)).catch(() => undefined);
  return {
    name,
    process: proc,
    ready,
    get metricsUrl() {
      return metricsUrl;
    },
  };
}

const LINES_KEPT = 20;

function metricsUrlOf(readyLine: string): string | undefined {
  try {
    const m = (JSON.parse(readyLine) as { metrics?: unknown }).metrics;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
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
