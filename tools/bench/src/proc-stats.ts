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
  /** utime + stime of the main thread alone (/proc/<pid>/task/<pid>/stat), seconds. */
  mainThreadCpuSeconds?: number;
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime in clock ticks, from a stat file of /proc. */
function statTicks(path: string): number {
  const stat = readFileSync(path, 'utf8');
  // The command name (field 2) may hold spaces; fields are counted after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export function readProc(pid: number): ProcReading | undefined {
  try {
    const ticks = statTicks(`/proc/${pid}/stat`);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    const wait = mainThreadWaitSeconds(pid);
    const main = mainThreadCpuSeconds(pid);
    return {
      cpuSeconds: ticks / CLK_TCK,
      rssMb: kb('VmRSS') / 1024,
      hwmMb: kb('VmHWM') / 1024,
      ...(wait === undefined ? {} : { runQueueWaitSeconds: wait }),
      ...(main === undefined ? {} : { mainThreadCpuSeconds: main }),
    };
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

/**
 * The main thread's own CPU (its thread id is the process id). For a Node.js service that
 * is the event loop; the rest of the process's CPU ran on V8's threads (the garbage
 * collector's helpers, the optimising compilers) and libuv's.
 */
function mainThreadCpuSeconds(pid: number): number | undefined {
  try {
    return statTicks(`/proc/${pid}/task/${pid}/stat`) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** The whole machine's CPU ticks so far (all cores), from /proc/stat's first line. */
export interface MachineTicks {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  /** The eight above together. */
  total: number;
}

export function readMachineTicks(): MachineTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [, ...ticks] = line.trim().split(/\s+/).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = ticks;
  return { user, nice, system, idle, iowait, irq, softirq, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

/** CPU seconds the whole machine spent busy (all cores), from /proc/stat. */
export function readMachineBusySeconds(): number {
  const t = readMachineTicks();
  return (t.user + t.nice + t.system + t.irq + t.softirq + t.steal) / CLK_TCK;
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
  /** CPU seconds of the main thread alone during the phase (absent when not readable). */
  mainThreadCpuSeconds?: number;
}

/** The cumulative counters of a reading that a phase reports as differences. */
type Counter = 'cpuSeconds' | 'runQueueWaitSeconds' | 'mainThreadCpuSeconds';
const COUNTERS: readonly Counter[] = ['cpuSeconds', 'runQueueWaitSeconds', 'mainThreadCpuSeconds'];
type Counts = Partial<Record<Counter, number>>;

/** Samples a named set of processes (looked up at every tick, so restarts are followed). */
export class ProcSampler {
  private readonly first = new Map<string, { pid: number; counts: Counts }>();
  private readonly last = new Map<string, ProcReading>();
  /** What earlier processes of the same name counted before they were replaced. */
  private readonly banked = new Map<string, Counts>();
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
      const first = this.first.get(name)?.counts ?? {};
      const banked = this.banked.get(name) ?? {};
      // A counter not readable at the start or now (no schedstats, a Go process) is left out.
      const during = (c: Counter): number | undefined =>
        reading[c] === undefined || first[c] === undefined ? undefined : (banked[c] ?? 0) + reading[c] - first[c];
      const cpu = during('cpuSeconds') ?? 0;
      const wait = during('runQueueWaitSeconds');
      const main = during('mainThreadCpuSeconds');
      out.set(name, {
        cpuSeconds: cpu,
        cpuPct: (100 * cpu) / seconds,
        peakRssMb: this.peak.get(name) ?? reading.rssMb,
        rssMb: reading.rssMb,
        ...(wait === undefined ? {} : { runQueueWaitSeconds: wait }),
        ...(main === undefined ? {} : { mainThreadCpuSeconds: main }),
      });
    }
    return out;
  }

  private tick(): void {
    // The machine as one more "process": its CPU is what every process shares.
    const machine = { cpuSeconds: readMachineBusySeconds(), rssMb: 0, hwmMb: 0 };
    if (!this.first.has(MACHINE)) this.first.set(MACHINE, { pid: 0, counts: { cpuSeconds: machine.cpuSeconds } });
    this.last.set(MACHINE, machine);
    for (const [name, pid] of this.pids()) {
      const r = readProc(pid);
      if (!r) continue;
      const first = this.first.get(name);
      if (!first) this.first.set(name, { pid, counts: countsOf(r) });
      else if (first.pid !== pid) {
        // Restarted: bank what the old process counted and count the new one from zero.
        const last = this.last.get(name);
        const banked = this.banked.get(name) ?? {};
        for (const c of COUNTERS) {
          const from = first.counts[c];
          if (from !== undefined) banked[c] = (banked[c] ?? 0) + (last?.[c] ?? from) - from;
        }
        this.banked.set(name, banked);
        this.first.set(name, { pid, counts: Object.fromEntries(COUNTERS.filter((c) => r[c] !== undefined).map((c) => [c, 0])) });
      }
      this.last.set(name, r);
      this.peak.set(name, Math.max(this.peak.get(name) ?? 0, r.rssMb));
    }
  }
}

function countsOf(r: ProcReading): Counts {
  return Object.fromEntries(COUNTERS.filter((c) => r[c] !== undefined).map((c) => [c, r[c]]));
}
