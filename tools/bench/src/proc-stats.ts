/**
 * CPU time and memory of running processes, read from /proc (Linux): utime+stime from
 * /proc/<pid>/stat, VmRSS and VmHWM (peak RSS since start) from /proc/<pid>/status.
 * A sampler polls them during a phase so a phase reports its own CPU share and the
 * highest RSS seen, not just the lifetime peak. For a Node.js service the main thread
 * is its event loop: /proc/<pid>/schedstat says how long that thread waited, runnable,
 * for a CPU (the kernel's run-queue delay), which is how a phase tells time lost to a
 * crowded machine from time spent working or waiting on a server.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcReading {
  /** utime + stime, seconds. */
  cpuSeconds: number;
  rssMb: number;
  /** Peak RSS since the process started. */
  hwmMb: number;
  /** Seconds the main thread spent runnable but waiting for a CPU (absent without schedstats). */
  runQueueWaitSeconds?: number;
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

export function readProc(pid: number): ProcReading | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields are counted after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    const wait = mainThreadWaitSeconds(pid);
    return { cpuSeconds: ticks / CLK_TCK, rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, ...(wait === undefined ? {} : { runQueueWaitSeconds: wait }) };
  } catch {
    return undefined;
  }
}

/** /proc/<pid>/schedstat: time on a CPU, time waiting on a run queue (ns), timeslices. */
function mainThreadWaitSeconds(pid: number): number | undefined {
  try {
    const wait = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return Number.isFinite(wait) ? wait / 1e9 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds the whole machine spent busy (all cores), from /proc/stat. */
export function readMachineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [, ...ticks] = line.trim().split(/\s+/).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return (user + nice + system + irq + softirq + steal) / CLK_TCK;
}

export const MACHINE = 'machine (all cores)';

export interface ProcUsage {
  /** CPU seconds used during the phase. */
  cpuSeconds: number;
  /** Average share of one core during the phase, in percent. */
  cpuPct: number;
  /** Highest RSS sampled during the phase. */
  peakRssMb: number;
  /** RSS at the end of the phase. */
  rssMb: number;
  /** Seconds the main thread waited for a CPU during the phase (absent when not readable). */
  runQueueWaitSeconds?: number;
}

/** Samples a named set of processes (looked up at every tick, so restarts are followed). */
export class ProcSampler {
  private readonly first = new Map<string, { pid: number; cpu: number; wait: number | undefined }>();
  private readonly last = new Map<string, ProcReading>();
  private readonly cpuBefore = new Map<string, number>();
  private readonly waitBefore = new Map<string, number>();
  private readonly peak = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private started = 0;

  constructor(
    private readonly pids: () => Map<string, number>,
    private readonly everyMs = 250,
  ) {}

  start(): void {
    this.started = performance.now();
    this.tick();
    this.timer = setInterval(() => this.tick(), this.everyMs);
  }

  stop(): Map<string, ProcUsage> {
    this.tick();
    clearInterval(this.timer);
    const seconds = Math.max(1e-3, (performance.now() - this.started) / 1000);
    const out = new Map<string, ProcUsage>();
    for (const [name, reading] of this.last) {
      const first = this.first.get(name);
      const cpu = (this.cpuBefore.get(name) ?? 0) + reading.cpuSeconds - (first?.cpu ?? 0);
      const wait =
        reading.runQueueWaitSeconds === undefined || first?.wait === undefined
          ? undefined
          : (this.waitBefore.get(name) ?? 0) + reading.runQueueWaitSeconds - first.wait;
      out.set(name, {
        cpuSeconds: cpu,
        cpuPct: (100 * cpu) / seconds,
        peakRssMb: this.peak.get(name) ?? reading.rssMb,
        rssMb: reading.rssMb,
        ...(wait === undefined ? {} : { runQueueWaitSeconds: wait }),
      });
    }
    return out;
  }

  private tick(): void {
    // The machine as one more "process": its CPU is what every process shares.
    const machine = { cpuSeconds: readMachineBusySeconds(), rssMb: 0, hwmMb: 0 };
    if (!this.first.has(MACHINE)) this.first.set(MACHINE, { pid: 0, cpu: machine.cpuSeconds, wait: undefined });
    this.last.set(MACHINE, machine);
    for (const [name, pid] of this.pids()) {
      const r = readProc(pid);
      if (!r) continue;
      const first = this.first.get(name);
      if (!first) this.first.set(name, { pid, cpu: r.cpuSeconds, wait: r.runQueueWaitSeconds });
      else if (first.pid !== pid) {
        // Restarted: bank the old process's CPU (and wait) and count the new one from zero.
        const last = this.last.get(name);
        this.cpuBefore.set(name, (this.cpuBefore.get(name) ?? 0) + (last?.cpuSeconds ?? first.cpu) - first.cpu);
        if (first.wait !== undefined) this.waitBefore.set(name, (this.waitBefore.get(name) ?? 0) + (last?.runQueueWaitSeconds ?? first.wait) - first.wait);
        this.first.set(name, { pid, cpu: 0, wait: r.runQueueWaitSeconds === undefined ? undefined : 0 });
      }
      this.last.set(name, r);
      this.peak.set(name, Math.max(this.peak.get(name) ?? 0, r.rssMb));
    }
  }
}
