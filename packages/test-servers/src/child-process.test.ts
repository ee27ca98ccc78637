/**
 * A launcher killed outright must not leave its children running: they sit in process
 * groups of their own (so Ctrl-C reaches only the launcher), which no group signal reaches.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pollUntil } from './poll-until.js';
import { processRunning } from './process-running.js';

const dir = mkdtempSync(join(tmpdir(), 'esi-child-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


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
      expect(processRunning(childPid)).toBe(true);
      launcher.kill('SIGKILL');
      await pollUntil(`child ${childPid} to stop after its launcher was killed`, async () => (processRunning(childPid) ? undefined : true), 5_000, 50);
    } finally {
      if (processRunning(childPid)) process.kill(childPid, 'SIGKILL');
    }
  });
});
