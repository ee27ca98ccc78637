/**
 * One open rate held for a while, for comparing two trees: per process, the CPU and the
 * context switches (all its threads) per resource, where the full bench gives a level a
 * few seconds among many. Not part of `pnpm bench`; run it from each tree in turn:
 *
 *   RATE=60 SECS=20 ROUNDS=2 node_modules/.bin/node --import tsx tools/bench/src/steady/open-rate.ts
 *
 *   IN_FLIGHT=32 SECS=20 ROUNDS=2 node_modules/.bin/node --import tsx tools/bench/src/steady/open-rate.ts
 *
 * holds 32 builds in flight instead (a closed level, as the bench's peak). Each round
 * prints the latency, per process the CPU and context switches per resource, the
 * machine's user/system/softirq split, and etcd's requests and fsyncs per resource (by
 * service from their own counters).
 *
 * The stack is the bench's (compiled services, real etcd and nats-server), warmed up with
 * 400 builds at 8 in flight first. Settings named ESI_EXP_*, LOG_LEVEL,
 * ESI_POLL_INTERVAL_MS and ESI_RESYNC_INTERVAL_MS pass to the services, for switches an
 * experiment adds or turns.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileWorkspace } from '@esi/local-stack';
import { startBenchStack } from '../bench-stack.js';
import { openChainSession } from '../chain/session.js';
import { runClosedLevel, runOpenLevel } from '../chain/levels.js';
import { readMachineTicks } from '../proc-stats.js';

const rate = Number(process.env.RATE ?? 60);
const seconds = Number(process.env.SECS ?? 20);
const rounds = Number(process.env.ROUNDS ?? 2);
/** IN_FLIGHT=n holds n builds in flight (a closed level) instead of the open rate. */
const inFlight = Number(process.env.IN_FLIGHT ?? 0);

/** The machine's CPU ticks so far: user (nice included), system, and interrupts (hard and soft). */
function machineTicks(): { user: number; system: number; softirq: number; total: number } {
  const t = readMachineTicks();
  return { user: t.user + t.nice, system: t.system, softirq: t.irq + t.softirq, total: t.total };
}

/** Voluntary and involuntary context switches of every thread of a process so far. */
function contextSwitches(pid: number): number {
  let n = 0;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      for (const m of readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8').matchAll(/ctxt_switches:\s+(\d+)/g)) n += Number(m[1]);
    }
  } catch {
    // The process (or a thread) ended meanwhile: count what was read.
  }
  return n;
}

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ESI_EXP_') || k === 'LOG_LEVEL' || k === 'ESI_POLL_INTERVAL_MS' || k === 'ESI_RESYNC_INTERVAL_MS')) as Record<string, string>;
const compiledRoot = compileWorkspace(join(mkdtempSync(join(tmpdir(), 'esi-bench-compiled-')), 'app'));
const b = await startBenchStack(env, { compiledRoot });
try {
  const s = await openChainSession(b);
  try {
    await runClosedLevel(s.chain, 8, 15_000, 400);
    for (let r = 0; r < rounds; r++) {
      const pids = s.chain.pids();
      const before = new Map([...pids].map(([name, pid]) => [name, contextSwitches(pid)]));
      const ticks = machineTicks();
      const level = inFlight ? await runClosedLevel(s.chain, inFlight, seconds * 1000, 100_000) : await runOpenLevel(s.chain, rate, seconds * 1000, 100_000);
      const n = level.resources;
      const cpu = Object.entries(level.procs).map(([name, u]) => `${name}=${((u.cpuSeconds * 1000) / n).toFixed(2)}`);
      const switches = [...pids].map(([name, pid]) => `${name}=${((contextSwitches(pid) - before.get(name)!) / n).toFixed(0)}`);
      console.log(`RESULT ${inFlight ? `in-flight=${inFlight}` : `rate=${rate}`} n=${n} tput=${level.throughput.toFixed(1)} p50=${level.latency.p50.toFixed(0)} p99=${level.latency.p99.toFixed(0)}`);
      console.log(`CPUms/res ${cpu.join(' ')}`);
      console.log(`CTXSW/res ${switches.join(' ')}`);
      const t = machineTicks();
      const share = (k: 'user' | 'system' | 'softirq') => `${k}=${((100 * (t[k] - ticks[k])) / (t.total - ticks.total)).toFixed(1)}%`;
      console.log(`MACHINE ${share('user')} ${share('system')} ${share('softirq')} (of all cores)`);
      const etcd = level.etcdPerResource;
      const byService = Object.entries(level.requestsPerResource ?? {}).map(([name, ops]) => `${name}=${Object.values(ops).reduce((a, b) => a + b, 0).toFixed(2)}`);
      console.log(`ETCD/res requests=${(etcd.requests ?? 0).toFixed(2)} fsync=${(etcd.fsync ?? 0).toFixed(2)} ${byService.join(' ')}`);
    }
  } finally {
    await s.close();
  }
} finally {
  await b.stop();
}
