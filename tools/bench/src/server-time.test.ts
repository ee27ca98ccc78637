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

describe("the main thread's share of a process's CPU", () => {
  it('counts the main thread alone, apart from work on other threads', async () => {
    // A child whose main thread spins ~400 ms and a worker thread ~400 ms more.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const { Worker } = require('node:worker_threads');
         const spin = (ms) => { const t = Date.now() + ms; while (Date.now() < t) Math.sqrt(Math.random()); };
         setTimeout(() => {
           spin(400);
           new Worker("const t = Date.now() + 400; while (Date.now() < t) Math.sqrt(Math.random());", { eval: true }).on('exit', () => setTimeout(() => process.exit(0), 300));
         }, 200);`,
      ],
      { stdio: 'ignore' },
    );
    try {
      const sampler = new ProcSampler(() => new Map([['child', child.pid!]]), 20);
      await new Promise((r) => setTimeout(r, 100));
      sampler.start();
      await new Promise((r) => setTimeout(r, 1100));
      const u = sampler.stop().get('child')!;
      expect(u.cpuSeconds).toBeGreaterThan(0.6);
      // The main thread did about half of it: the worker's 400 ms are not its own.
      expect(u.mainThreadCpuSeconds).toBeGreaterThan(0.25);
      expect(u.mainThreadCpuSeconds!).toBeLessThan(u.cpuSeconds - 0.25);
    } finally {
      child.kill();
    }
  });
});
