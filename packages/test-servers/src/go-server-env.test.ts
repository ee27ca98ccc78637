// etcd and nats-server start with GOMAXPROCS of half the cores (at least one) beside the
// services, unless the caller's environment already sets it (go-server-env.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goServerEnv } from './go-server-env.js';
import { startEtcd, startNats, type RunningServer } from './infra.js';

describe('goServerEnv', () => {
  it('gives the Go servers half the cores, at least one', () => {
    expect(goServerEnv({}, 1).GOMAXPROCS).toBe('1');
    expect(goServerEnv({}, 2).GOMAXPROCS).toBe('1');
    expect(goServerEnv({}, 3).GOMAXPROCS).toBe('1');
    expect(goServerEnv({}, 8).GOMAXPROCS).toBe('4');
  });

  it('keeps a GOMAXPROCS the caller set, and the rest of the environment', () => {
    expect(goServerEnv({ GOMAXPROCS: '2', PATH: '/bin' }, 8)).toEqual({ GOMAXPROCS: '2', PATH: '/bin' });
    expect(goServerEnv({ GOMAXPROCS: ' ', PATH: '/bin' }, 8)).toEqual({ GOMAXPROCS: '4', PATH: '/bin' });
  });
});

/** The environment a running process was started with, from /proc. */
function environOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

describe.runIf(process.platform === 'linux')('etcd and nats-server as the launchers start them', () => {
  let dir: string;
  const servers: RunningServer[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'go-env-'));
    servers.push(await startEtcd(dir), await startNats(dir));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('run with GOMAXPROCS of half the cores, or the one this environment sets', () => {
    const expected = process.env.GOMAXPROCS?.trim() || String(Math.max(1, Math.floor(availableParallelism() / 2)));
    for (const s of servers) {
      const pid = s.process.proc.pid!;
      expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toMatch(/^(etcd|nats-server)$/);
      expect(environOf(pid).get('GOMAXPROCS')).toBe(expected);
    }
  });
});
