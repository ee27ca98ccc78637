/** main.ts and cli.ts as a person runs them: separate processes, SNMP and HTTP between them. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import snmp from 'net-snmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const run = promisify(execFile);
let proc: ChildProcess;
let ready: { control: string; devices: { name: string; port: number }[] };

beforeAll(async () => {
  proc = spawn(process.execPath, ['--import', 'tsx', join(here, 'main.ts')], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  ready = await new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      const line = buf.split('\n').find((l) => l.includes('"msg":"ready"'));
      if (line) resolve(JSON.parse(line) as typeof ready);
    });
    proc.once('exit', (code) => reject(new Error(`simulator exited (${code}) before it was ready`)));
  });
}, 30_000);

afterAll(async () => {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
});

const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', join(here, 'cli.ts'), ...args, '--url', ready.control], { cwd: repoRoot });

function operStatus(port: number, ifIndex: number): Promise<number> {
  const s = snmp.createSession('127.0.0.1', 'public', { port, version: snmp.Version2c, timeout: 500, retries: 1 });
  return new Promise((resolve, reject) =>
    s.get([`1.3.6.1.2.1.2.2.1.8.${ifIndex}`], (err, vbs) => {
      s.close();
      if (err) reject(err);
      else resolve(vbs![0]!.value as number);
    }),
  );
}

describe('the standalone simulator and its CLI', () => {
  it('serves the example config and changes status from the command line', async () => {
    const lab = ready.devices.find((d) => d.name === 'lab')!;
    expect(lab.port).toBeGreaterThan(0);
    expect((await cli('set', 'xe-0/0/4.1025', 'down')).stdout).toBe('xe-0/0/4.1025 is down\n');
    expect(await operStatus(lab.port, 4)).toBe(2);
    const listed = (await cli('list')).stdout;
    expect(listed).toContain('4\txe-0/0/4.1025\tdown');
    await cli('set', 'xe-0/0/4.1025', 'up');
    expect(await operStatus(lab.port, 4)).toBe(1);
    await expect(cli('set', 'xe-9/9/9', 'down')).rejects.toMatchObject({ stderr: expect.stringContaining('no device serves interface xe-9/9/9') });
  });
});
