/**
 * The replay tool as people use it: `esictl replay --catalog … --relations …` loads the
 * original G1 catalog and relations table into a stack started with our own catalog, and
 * replays the recorded build; meanwhile the active planner is killed and its standby
 * takes over. The outcome is the recording, job for job and state for state.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, type Io } from '@esi/cli';
import { startStack, type Stack } from '@esi/local-stack';
import { DEFAULT_RELEASE_PREFIX } from '@esi/replay';
import { SHARED_DIR } from '../support/seed-document.js';
import { KNOWN_EXTRAS } from './known-extras.js';

const REFERENCE = join(SHARED_DIR, 'reference');
const SCENARIO_DIR = join(REFERENCE, 'scenarios/g1-inet');
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
});

function captureIo(lines: string[]): Io {
  return {
    out: (t) => void lines.push(...t.split('\n')),
    err: (t) => void lines.push(`ERR ${t}`),
    tty: false,
    readStdin: async () => '',
    readFile: (p) => readFileSync(p, 'utf8'),
    onInterrupt: () => () => undefined,
  };
}

describe('esictl replay with the active planner killed midway', () => {
  it('reproduces the recording job for job', async () => {
    // The recorded devices are the stack's simulator (every device address maps to it).
    stack = await startStack({
      // Supervised, as deployments run: a planner that loses its lease exits and comes back.
      supervise: true,
      // Stacks finish when the replay releases them (in the recorded order), so dependency
      // lists do not depend on this machine's speed.
      env: { ESI_POLL_INTERVAL_MS: '500', ESI_HEAT_SIMULATED_LATENCY_MS: '50', ESI_HEAT_SIMULATED_RELEASE_PREFIX: DEFAULT_RELEASE_PREFIX, ESI_PLANNER_LEASE_TTL_S: '3' },
    });
    const s = stack;
    await s.startReplica('planner');
    const files = readdirSync(SCENARIO_DIR)
      .filter((f) => /^g1-inet__\d\d-.*\.json$/.test(f) && !f.includes('--only-'))
      .sort()
      .map((f) => join(SCENARIO_DIR, f));
    const lines: string[] = [];
    const replaying = run(
      ['replay', '--catalog', join(REFERENCE, 'templates/g1'), '--relations', join(REFERENCE, 'relations.json'), '--etcd', s.etcdEndpoints, '--addr', s.apiAddr, ...files],
      captureIo(lines),
    );
    // Kill the active planner once the replay is under way.
    for (let i = 0; i < 200 && !lines.some((l) => l.includes('g1-inet__05')); i++) await new Promise((r) => setTimeout(r, 100));
    s.services.get('planner')!.process.proc.kill('SIGKILL');
    const code = await replaying;
    const total = lines.find((l) => l.startsWith('total:'));
    console.log(lines.filter((l) => !l.includes('submitted')).join('\n'));
    expect(lines.some((l) => l.startsWith('catalog ') && l.includes('58 templates'))).toBe(true);
    // Every recorded job, state and value, and nothing doubled by the failover: the only
    // differences are the known extra /monitoring keys (known-extras.ts).
    expect(total).toMatch(new RegExp(`^total: jobs (\\d+)/\\1 matched, states (\\d+)/\\2 matched, monitoring (\\d+)/\\3 matched, ${KNOWN_EXTRAS.length} differences$`));
    expect(lines.filter((l) => l.startsWith('    - ')).map((l) => l.slice('    - '.length)).sort()).toEqual([...KNOWN_EXTRAS].sort());
    // esictl replay exits 1 on any difference, the known extras included.
    expect(code).toBe(1);
  }, 240_000);
});
