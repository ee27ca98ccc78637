// A service's log lines reach stdout in batches, yet none is lost when the process ends
// by itself (exit, a fatal error) and none waits long while it runs. Real child processes.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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
});
