/**
 * The bench's command line answers at once: `--help` prints the options, a mistyped one
 * is refused (a full run takes eight minutes and starts servers of its own), and a
 * signal stops the stack it started instead of leaving etcd and nats-server behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { processRunning } from '@esi/test-servers';
import { parseBenchArgs, UsageError } from './args.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

function runBench(args: string[], onLine?: (line: string, child: ChildProcess) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let partial = '';
  const take = (b: Buffer): void => {
    out += b.toString();
    partial += b.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) onLine?.(l, child);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  return new Promise<{ code: number | null; out: string }>((resolve) => child.on('close', (code) => resolve({ code, out })));
}


/** Pids of the running processes whose parent is `parent`. */
function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // After "pid (comm) " come the state, then the parent's pid.
        return Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('parseBenchArgs', () => {
  it('reads every option', () => {
    expect(parseBenchArgs(['--quick', '--scale', '1000,100000', '--label', 'x-1', '--keep-data'])).toMatchObject({
      quick: true,
      scaleSizes: [1000, 100000],
      label: 'x-1',
      keepData: true,
      profile: false,
      tsx: false,
      help: false,
    });
    expect(parseBenchArgs(['--tsx']).tsx).toBe(true);
    expect(parseBenchArgs(['--scale', 'none']).scaleSizes).toEqual([]);
    expect(parseBenchArgs([]).scaleSizes).toBeUndefined();
    expect(parseBenchArgs(['-h']).help).toBe(true);
  });

  it('refuses what it does not know, naming it', () => {
    expect(() => parseBenchArgs(['--quik'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--quik'])).toThrow(/--quik/);
    expect(() => parseBenchArgs(['quick'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--scale', '1e3'])).toThrow(/--scale/);
    expect(() => parseBenchArgs(['--scale', '1000,'])).toThrow(/--scale/);
    expect(() => parseBenchArgs(['--label'])).toThrow(/--label/);
    expect(() => parseBenchArgs(['--label', '../x'])).toThrow(/--label/);
  });
});

describe('pnpm bench', () => {
  it('prints its usage for --help and starts nothing', async () => {
    const started = Date.now();
    const { code, out } = await runBench(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^usage: pnpm bench/);
    expect(out).toContain('--scale SIZES');
    expect(out).not.toContain('[bench]');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('refuses an unknown option with status 2 and the usage', async () => {
    const { code, out } = await runBench(['--quik']);
    expect(code).toBe(2);
    expect(out).toMatch(/bench: .*--quik/);
    expect(out).toContain('usage: pnpm bench');
    expect(out).not.toContain('[bench]');
  });

  it('stops the stack it started on SIGINT, leaving no process behind', { timeout: 120_000 }, async () => {
    let started: number[] = [];
    const { code, out } = await runBench(['--quick', '--scale', 'none', '--keep-data'], (line, bench) => {
      // The stack is up once the raw limits are being measured.
      if (started.length === 0 && line.includes('[bench] raw limits')) {
        started = childrenOf(bench.pid!);
        bench.kill('SIGINT');
      }
    });
    // nats-server, etcd, the device simulator and the five services.
    expect(started.length).toBeGreaterThanOrEqual(8);
    expect(code).toBe(130);
    const dataDir = /data and logs kept in (\S+)/.exec(out)?.[1];
    try {
      expect(dataDir, out).toBeDefined();
      expect(started.filter(processRunning)).toEqual([]);
      expect(out).not.toContain('report:');
    } finally {
      for (const pid of started.filter(processRunning)) process.kill(pid, 'SIGKILL');
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
