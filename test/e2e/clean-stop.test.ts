/**
 * Ctrl-C on `pnpm start` stops everything it started, and so does the launcher's death. A terminal's Ctrl-C sends SIGINT
 * to the whole foreground process group at once — pnpm, the launcher and, unless they
 * are kept out of it, every server and service it started — so the test starts
 * `pnpm start` in a process group of its own, as a shell starts a job, and signals the
 * group. Everything must be gone within 10 s, every port freed, and pnpm must exit 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { freePort } from '@esi/test-servers';
import { REPO_ROOT } from '@esi/local-stack';

/** Processes whose environment names this data dir: everything the launcher started. */
function processesOf(dataDir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`ESI_DATA_DIR=${dataDir}`)) {
        found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').slice(0, 120)}`);
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

interface StartedStack {
  child: ReturnType<typeof spawn>;
  dataDir: string;
  ports: number[];
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `pnpm start --no-demo` in a process group of its own, as a shell starts a job; resolves once ready. */
async function startStack(): Promise<StartedStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'esi-clean-stop-'));
  const apiPort = await freePort();
  // Not the console's default port: another stack on this machine may hold it.
  const consolePort = await freePort();
  const child = spawn('pnpm', ['start', '--', '--no-demo'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ESI_DATA_DIR: dataDir, ESI_API_ADDR: `127.0.0.1:${apiPort}`, ESI_CONSOLE_ADDR: `127.0.0.1:${consolePort}`, ESI_LOG_ECHO: 'off' },
  });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pnpm start was not ready in 90 s:\n${output}`)), 90_000);
    const check = (): void => {
      const line = output.split('\n').find((l) => l.includes('[esi] ready:'));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => reject(new Error(`pnpm start exited before it was ready:\n${output}`)));
  });
  const ports = [apiPort, ...[...ready.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]))];
  expect(ports.length).toBeGreaterThanOrEqual(3);
  for (const port of ports) expect(await listening(port), `port ${port} before the stop`).toBe(true);
  expect(processesOf(dataDir).length).toBeGreaterThanOrEqual(7);
  return { child, dataDir, ports, output: () => output, exited };
}

/** Polls until nothing of `dataDir` runs or `ms` pass; then kills what is left, never leaving it to the rest of the suite. */
async function waitUntilGone(dataDir: string, ms: number): Promise<{ left: string[]; tookMs: number }> {
  const started = Date.now();
  let left = processesOf(dataDir);
  while (left.length > 0 && Date.now() - started < ms) {
    await new Promise((r) => setTimeout(r, 100));
    left = processesOf(dataDir);
  }
  const tookMs = Date.now() - started;
  for (const p of left) process.kill(Number(p.split(' ')[0]), 'SIGKILL');
  return { left, tookMs };
}

it('Ctrl-C on pnpm start stops every process it started within 10 s, frees its ports and exits 0', async () => {
  const { child, dataDir, ports, output, exited } = await startStack();
  const started = Date.now();
  process.kill(-child.pid!, 'SIGINT');
  const result = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
  const tookMs = Date.now() - started;
  const { left } = await waitUntilGone(dataDir, 0);
  if (result === 'hung') process.kill(-child.pid!, 'SIGKILL');

  expect(result, output().slice(-3000)).toEqual({ code: 0, signal: null });
  expect(tookMs).toBeLessThan(10_000);
  expect(left).toEqual([]);
  for (const port of ports) expect(await listening(port), `port ${port} after the stop`).toBe(false);
  expect(output()).toContain('[esi] stopped');
}, 150_000);

it('the launcher killed outright (SIGKILL) still takes every process it started with it, and frees its ports', async () => {
  const { child, dataDir, ports } = await startStack();
  const launcher = processesOf(dataDir).find((p) => p.includes('local-stack/src/main.ts'));
  expect(launcher).toBeDefined();
  // Only the launcher: nothing else is signalled, as when it crashes or the OOM killer takes it.
  process.kill(Number(launcher!.split(' ')[0]), 'SIGKILL');
  const { left, tookMs } = await waitUntilGone(dataDir, 20_000);
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // pnpm went with its child, as it should.
  }
  expect(left).toEqual([]);
  expect(tookMs).toBeLessThan(20_000);
  for (const port of ports) expect(await listening(port), `port ${port} after the launcher died`).toBe(false);
  console.log(`everything gone ${tookMs} ms after the launcher was killed`);
}, 150_000);
