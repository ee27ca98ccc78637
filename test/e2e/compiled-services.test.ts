/**
 * The services compiled as the production image compiles them (compileWorkspace, which
 * runs deploy/docker/compile.sh) run the example build on a real stack as the tsx-run
 * services do: the bench measures them this way.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExampleBuild } from '@esi/catalog';
import { resourceClient, submitBuild } from '@esi/client';
import { compileWorkspace, startStack, type Stack } from '@esi/local-stack';
import { waitFor } from '../support/wait.js';

let dir: string;
let stack: Stack;
let etcd: Etcd3;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'esi-compiled-'));
  stack = await startStack({ compiledRoot: compileWorkspace(join(dir, 'app')), env: { ESI_POLL_INTERVAL_MS: '300' } });
  etcd = new Etcd3({ hosts: stack.etcdEndpoints });
}, 120_000);

afterAll(async () => {
  etcd?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('services compiled to JavaScript', () => {
  it('run as plain node processes from the compiled copy, without tsx', () => {
    for (const [name, svc] of stack.services) {
      const argv = readFileSync(`/proc/${svc.process.proc.pid}/cmdline`, 'utf8').split('\0');
      expect(argv, name).toContain(join(dir, 'app', 'services', name, 'src', 'main.js'));
      expect(argv.join(' '), name).not.toContain('tsx');
    }
  });

  it('build the example internet gateway: every resource settles completed', async () => {
    const submitted = await submitBuild(resourceClient(stack.apiAddr), loadExampleBuild('internet-gateway'));
    expect(submitted.length).toBeGreaterThan(5);
    await waitFor(
      'every resource CREATE_COMPLETED (READ_COMPLETE for what the build only reads)',
      async () => {
        const states = await etcd.getAll().prefix('/state/').strings();
        for (const r of submitted) {
          const mine = Object.entries(states).find(([k]) => k.endsWith(`/${r.id}`));
          if (!mine || !/"worker_state":"(CREATE_COMPLETED|READ_COMPLETE)"/.test(mine[1])) return undefined;
        }
        return true;
      },
      90_000,
    );
  }, 120_000);
});
