// A service's log lines reach stdout in batches, yet none is lost when the process ends
// by itself (exit, a fatal error) and none waits long while it runs. Real child processes.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { processRunning } from '@esi/test-servers';

const LOGGER = fileURLToPath(new URL('./logger.ts', import.meta.url));

/** Runs `body` in a child with `log` made by createLogger; resolves with its stdout lines as they came, timed. */
function runChild(body: string): Promise<{ lines: { at: number; msg: string }[]; code: number | null; closedAt: number }> {
  const script = `import { createLogger } from ${JSON.stringify(LOGGER)};\nconst log = createLogger('batch-test');\n${body}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: { at: number; msg: string }[] = [];
  let rest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const p of parts) lines.push({ at: Date.now(), msg: (JSON.parse(p) as { msg: string }).msg });
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ lines, code, closedAt: Date.now() })));
}

describe('stdout batching', () => {
  it('writes every line logged right before process.exit', async () => {
    const { lines, code } = await runChild(`for (let i = 0; i < 50; i++) log.info({ i }, 'line ' + i);\nprocess.exit(3);`);
    expect(code).toBe(3);
    expect(lines.map((l) => l.msg)).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i}`));
  });

  it('writes the lines logged before an uncaught error ends the process', async () => {
    const { lines, code } = await runChild(`log.info('before');\nlog.error('about to fail');\nsetTimeout(() => { throw new Error('boom'); }, 10);`);
    expect(code).not.toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(['before', 'about to fail']);
  });

  it('a line logged while the process runs on shows within a fraction of a second, not at its exit', async () => {
    const { lines, closedAt } = await runChild(`log.info('lonely line');\nsetTimeout(() => process.exit(0), 3000);`);
    expect(lines.map((l) => l.msg)).toEqual(['lonely line']);
    // Under 4 KiB wait for the periodic flush (100 ms), long before the exit 3 s later.
    expect(closedAt - lines[0]!.at).toBeGreaterThan(2000);
  });

  it('goes on, and exits, once the process reading its stdout is gone', async () => {
    // A launcher (the local stack, the bench) reads the child's stdout and is then killed
    // outright. The child's next flush meets the broken pipe. sonic-boom, pino's own
    // destination, retried such a write forever, 100 ms apart, inside the synchronous
    // flush (the services' exit flush hung so, seen with gdb); this writer gives up.
    const WRITER = fileURLToPath(new URL('./stdout-batch.ts', import.meta.url));
    const hung = await hangsAfterReaderKilled(`import { batchedWriter } from ${JSON.stringify(WRITER)};
      const out = batchedWriter(1);
      out.write('first\\n');
      out.flushSync();
      setTimeout(() => { out.write('unread\\n'); out.flushSync(); process.exit(7); }, 300);`);
    expect(hung).toBe(false);
  });

  it('a service logging its way out exits once the process reading its stdout is gone', async () => {
    const hung = await hangsAfterReaderKilled(`import { createLogger } from ${JSON.stringify(LOGGER)};
      const log = createLogger('batch-test');
      log.info('first');
      log.flush();
      setTimeout(() => { log.info('shutting down'); log.info('stopped'); process.exit(7); }, 300);`);
    expect(hung).toBe(false);
  });
});

/**
 * Runs `script` in a child whose stdout a launcher process reads, kills the launcher with
 * SIGKILL once the child's first line came, and tells whether the child is still running
 * 5 s later (then kills it).
 */
async function hangsAfterReaderKilled(script: string): Promise<boolean> {
  const launcherCode = `
    import { spawn } from 'node:child_process';
    const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', process.env.CHILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.once('data', () => console.log(String(c.pid)));
    setInterval(() => undefined, 1000);`;
  const launcher = spawn(process.execPath, ['--input-type=module', '-e', launcherCode], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, CHILD_SCRIPT: script },
  });
  let pid: number;
  try {
    pid = await new Promise<number>((resolve, reject) => {
      launcher.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
      setTimeout(() => reject(new Error('the child wrote no first line within 20 s')), 20_000).unref();
    });
  } finally {
    launcher.kill('SIGKILL');
  }
  const running = (): boolean => processRunning(pid);
  const deadline = Date.now() + 5_000;
  while (running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!running()) return false;
  process.kill(pid, 'SIGKILL');
  return true;
}
