/**
 * Child processes the stack owns: started with their output captured to a log file,
 * stopped with SIGTERM (then SIGKILL) when the stack stops.
 *
 * Each starts in a process group of its own. A terminal's Ctrl-C signals the whole
 * foreground group at once; were the children in it, nats-server and etcd would stop
 * under services still draining, and the esbuild helper each service's TypeScript
 * loader runs would die while the service may still load a module on its way out,
 * leaving it blocked for good (seen: services stuck in a futex wait, holding their
 * ports). In their own groups only the launcher hears Ctrl-C, and it stops them in
 * order: services first, then the servers they use.
 *
 * A group of its own also means a launcher killed outright (SIGKILL, a crash, a test
 * worker ended at its timeout) would leave them running, holding ports and data. On
 * Linux each is therefore started through util-linux's `setpriv --pdeathsig TERM`, which
 * asks the kernel to send it SIGTERM when the launcher dies and then executes it in place
 * (same pid). The signal follows the launcher's thread that spawned it: in Node that is
 * the main thread, which lives as long as the process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { connect } from 'node:net';

export interface Managed {
  name: string;
  proc: ChildProcess;
  logFile: string;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

/** util-linux's setpriv where the kernel has parent-death signals (Linux); elsewhere none. */
const PDEATHSIG = process.platform === 'linux' && existsSync('/usr/bin/setpriv') ? '/usr/bin/setpriv' : undefined;

export function startProcess(
  name: string,
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; logFile: string; cwd?: string; onLine?: (line: string) => void; ipc?: boolean },
): Managed {
  const [file, argv] = PDEATHSIG ? [PDEATHSIG, ['--pdeathsig', 'TERM', command, ...args]] : [command, args];
  const proc = spawn(file, argv, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(proc);
  proc.on('exit', () => running.delete(proc));
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  let partial = '';
  const onData = (chunk: Buffer): void => {
    log.write(chunk);
    if (!opts.onLine) return;
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) opts.onLine(line);
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  // 'close' comes once the output pipes are drained too; 'exit' can come before their
  // last chunks (found when a stop ended the log and a late chunk was written after it).
  // The log is complete once its stream has flushed what 'close' ended it with.
  const logComplete = new Promise<void>((resolve) => proc.on('close', () => log.end(resolve)));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    name,
    proc,
    logFile: opts.logFile,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      // What the process wrote last (its "stopped" line) is in the log file on return; a
      // child of its own still holding the pipes open delays that by 2 s at most.
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([logComplete, new Promise((r) => (giveUp = setTimeout(r, 2_000)))]);
      clearTimeout(giveUp);
      return code;
    },
  };
}

const running = new Set<ChildProcess>();

/** SIGKILL to every child still running, and their groups (a second Ctrl-C: stop now). */
export function killAllNow(): void {
  for (const proc of running) {
    try {
      if (proc.pid !== undefined) process.kill(-proc.pid, 'SIGKILL');
    } catch {
      proc.kill('SIGKILL');
    }
  }
}

/** Resolves once something accepts TCP connections on host:port. */
export async function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 20_000, isAlive?: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ port, host }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (isAlive && !isAlive()) throw new Error(`process for ${host}:${port} exited before it listened`);
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
