/**
 * A launcher killed outright must not leave its children running: they sit in process
 * groups of their own (so Ctrl-C reaches only the launcher), which no group signal reaches.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pollUntil } from './poll-until.js';

const dir = mkdtempSync(join(tmpdir(), 'esi-child-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Running, not a zombie (an orphan is reaped by whatever adopted it, maybe late). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe.runIf(process.platform === 'linux')('startProcess', () => {
  it('stops the child when its launcher is killed with SIGKILL', async () => {
    const module = fileURLToPath(new URL('./child-process.ts', import.meta.url));
    const launcherCode = `
      import { startProcess } from ${JSON.stringify(module)};
      const p = startProcess('sleeper', 'sleep', ['600'], { logFile: ${JSON.stringify(join(dir, 'sleeper.log'))} });
      console.log(String(p.proc.pid));
      setInterval(() => undefined, 1000);`;
    const launcher = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', launcherCode], { stdio: ['ignore', 'pipe', 'inherit'] });
    const childPid = await new Promise<number>((resolve, reject) => {
      launcher.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
      launcher.once('exit', (code) => reject(new Error(`launcher exited (${code}) before starting its child`)));
    });
    try {
      expect(alive(childPid)).toBe(true);
      launcher.kill('SIGKILL');
      await pollUntil(`child ${childPid} to stop after its launcher was killed`, async () => (alive(childPid) ? undefined : true), 5_000, 50);
    } finally {
      if (alive(childPid)) process.kill(childPid, 'SIGKILL');
    }
  });
});
