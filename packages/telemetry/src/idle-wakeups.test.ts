// A service with nothing to do should let its CPU sleep: the metrics it registers at start
// must not wake its event loop many times a second. Counted on a real child process, from
// the kernel's count of the main thread's voluntary context switches (Linux /proc).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVENT_LOOP_SAMPLE_MS } from './metrics.js';

const METRICS = fileURLToPath(new URL('./metrics.ts', import.meta.url));

function mainThreadSwitches(pid: number): number {
  const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  return Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1]);
}

describe('an idle service', () => {
  it.runIf(process.platform === 'linux')('wakes its event loop about as often as the lag series sample it, not 100 times a second', async () => {
    const script = `import { initMetrics } from ${JSON.stringify(METRICS)};\ninitMetrics('idle-test');\nconsole.log('ready');\nsetInterval(() => {}, 1 << 30);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
      });
      await sleep(500); // start-up work (module loading, the first GC) settles
      const before = mainThreadSwitches(child.pid!);
      const seconds = 2;
      await sleep(seconds * 1000);
      const perSecond = (mainThreadSwitches(child.pid!) - before) / seconds;
      // With prom-client's default (10 ms) this is about 100; with ours about 1000 / EVENT_LOOP_SAMPLE_MS.
      expect(perSecond).toBeLessThan(2 * (1000 / EVENT_LOOP_SAMPLE_MS) + 5);
    } finally {
      child.kill();
    }
  });
});
