/**
 * The figures the report uses to tell etcd's own time and a crowded machine from the
 * services' work: etcd's handling-time histogram (started with --metrics extensive)
 * and the kernel's run-queue delay of a process's main thread, both read from a real
 * etcd and real processes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, describe, expect, it } from 'vitest';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { perItem, readEtcdCounts } from './etcd-metrics.js';
import { ProcSampler, readProc } from './proc-stats.js';

describe("etcd's own handling time", () => {
  const dirs: string[] = [];
  const servers: RunningServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const start = async (extensiveMetrics: boolean): Promise<RunningServer> => {
    const dir = mkdtempSync(join(tmpdir(), 'esi-etcd-metrics-'));
    dirs.push(dir);
    const s = await startEtcd(dir, undefined, { extensiveMetrics });
    servers.push(s);
    return s;
  };

  it('counts the key-value requests and the seconds etcd spent on them', async () => {
    const etcd = await start(true);
    const client = new Etcd3({ hosts: etcd.url });
    try {
      const before = await readEtcdCounts(etcd.url);
      for (let i = 0; i < 10; i++) await client.put(`k${i}`).value('v');
      for (let i = 0; i < 10; i++) await client.get(`k${i}`).string();
      const per = perItem(before, await readEtcdCounts(etcd.url), 10);
      // Ten puts and ten gets over ten items: two requests each.
      expect(per.kvRequests).toBe(2);
      expect(per.kvSeconds).toBeGreaterThan(0);
      // A put waits for a WAL fsync: no request takes a second on loopback.
      expect(per.kvSeconds!).toBeLessThan(per.kvRequests! * 1);
    } finally {
      client.close();
    }
  });

  it('says nothing of it when etcd keeps no such histogram', async () => {
    const etcd = await start(false);
    const counts = await readEtcdCounts(etcd.url);
    expect(counts.kvRequests).toBeUndefined();
    expect(perItem(counts, counts, 1).kvRequests).toBeUndefined();
  });
});

describe('run-queue delay', () => {
  it("reads a process's main-thread wait and counts it per phase", async () => {
    const own = readProc(process.pid);
    expect(own?.runQueueWaitSeconds).toBeGreaterThanOrEqual(0);
    const sampler = new ProcSampler(() => new Map([['self', process.pid]]), 20);
    sampler.start();
    // Busy for a while, so the kernel has scheduled this thread more than once.
    const until = performance.now() + 100;
    while (performance.now() < until) Math.sqrt(Math.random());
    await new Promise((r) => setTimeout(r, 50));
    const self = sampler.stop().get('self');
    expect(self?.cpuSeconds).toBeGreaterThan(0);
    expect(self?.runQueueWaitSeconds).toBeGreaterThanOrEqual(0);
    expect(self!.runQueueWaitSeconds!).toBeLessThan(1);
  });
});

/** Spins until the process has used `ms` more CPU (all its threads), then runs `then`: CPU time, not wall time, so a busy machine only makes it slower. */
const SPIN = `const spin = (ms, then) => { const end = process.cpuUsage().user / 1000 + ms; const go = () => { const t = Date.now() + 20; while (Date.now() < t && process.cpuUsage().user / 1000 < end) Math.sqrt(Math.random()); if (process.cpuUsage().user / 1000 < end) setImmediate(go); else then(); }; go(); };`;

/** A child running `code` (with SPIN defined) that prints "done" when it is; resolves then. */
function child(code: string): { proc: ReturnType<typeof spawn>; done: Promise<void> } {
  const proc = spawn(process.execPath, ['-e', `${SPIN}\n${code}`], { stdio: ['ignore', 'pipe', 'ignore'] });
  const done = new Promise<void>((resolve) => proc.stdout!.on('data', (d: Buffer) => d.toString().includes('done') && resolve()));
  return { proc, done };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 60));

describe("the main thread's share of a process's CPU", () => {
  it('counts the main thread alone, apart from work on other threads', async () => {
    // 400 ms of CPU on the main thread, then 400 ms on a worker thread.
    const workerCode = `${SPIN} spin(400, () => {});`;
    const c = child(
      `spin(400, () => new (require('node:worker_threads').Worker)(${JSON.stringify(workerCode)}, { eval: true })` +
        `.on('exit', () => { console.log('done'); setInterval(() => {}, 1000); }));`,
    );
    const sampler = new ProcSampler(() => new Map([['child', c.proc.pid!]]), 20);
    try {
      sampler.start();
      await c.done;
      await settle();
      const u = sampler.stop().get('child')!;
      expect(u.cpuSeconds).toBeGreaterThan(0.7);
      // The main thread did about half of it: the worker's 400 ms are not its own.
      expect(u.mainThreadCpuSeconds).toBeGreaterThan(0.35);
      expect(u.mainThreadCpuSeconds!).toBeLessThan(u.cpuSeconds - 0.3);
    } finally {
      c.proc.kill();
    }
  });
});

describe('a process restarted during a phase', () => {
  it("counts the old process's CPU up to its end and the new one's from its start", async () => {
    const spinner = (): ReturnType<typeof child> => child(`spin(300, () => { console.log('done'); setInterval(() => {}, 1000); });`);
    const old = spinner();
    let current = old.proc.pid!;
    const sampler = new ProcSampler(() => new Map([['svc', current]]), 20);
    try {
      sampler.start();
      await old.done;
      await settle();
      const next = spinner();
      current = next.proc.pid!;
      await next.done;
      await settle();
      const u = sampler.stop().get('svc')!;
      const [oldAll, nextAll] = [readProc(old.proc.pid!)!, readProc(next.proc.pid!)!];
      next.proc.kill();
      // The new process from its start, plus the old one's 300 ms and more within the phase;
      // never more than both lifetimes.
      expect(u.cpuSeconds).toBeGreaterThan(nextAll.cpuSeconds + 0.28);
      expect(u.cpuSeconds).toBeLessThanOrEqual(oldAll.cpuSeconds + nextAll.cpuSeconds + 0.02);
      expect(u.mainThreadCpuSeconds).toBeGreaterThan(nextAll.mainThreadCpuSeconds! + 0.28);
      expect(u.mainThreadCpuSeconds!).toBeLessThanOrEqual(u.cpuSeconds + 0.02);
    } finally {
      old.proc.kill();
    }
  });
});
