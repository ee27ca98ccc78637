/**
 * Crash anywhere: while ≥300 interdependent resources are submitted and built, each of
 * the five services is SIGKILLed several times at random moments (the supervisor
 * restarts them). Afterwards every resource is CREATE_COMPLETED, no stack was created
 * twice, no change was planned twice, nothing was lost, nothing needed a hand.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES, type ServiceName } from '@esi/contracts';
import { createResource, resourceClient, startStack, type Stack } from '@esi/local-stack';
import { EtcdRecorder } from '../support/etcd-recorder.js';
import { faultBuild, type FaultResource } from '../support/fault-build.js';

const GROUPS = 38; // 8 resources each: 304
const KILLS_PER_SERVICE = 3;
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
});

async function submitWithRetry(stack: Stack, r: FaultResource): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const client = resourceClient(stack.apiAddr);
    try {
      await createResource(client, r.type, r.body);
      return;
    } catch (err) {
      const e = err as ServiceError;
      // The api may have stored it and died before answering: a retry then finds it.
      if (e.code === status.ALREADY_EXISTS) return;
      if (attempt > 200 || (e.code !== status.UNAVAILABLE && e.code !== status.DEADLINE_EXCEEDED && e.code !== status.INTERNAL && e.code !== status.CANCELLED)) throw err;
      await new Promise((res) => setTimeout(res, 100));
    } finally {
      client.close();
    }
  }
}

describe('crash anywhere', () => {
  it('converges to the right end state with nothing lost and nothing doubled', async () => {
    stack = await startStack({
      supervise: true,
      deviceSimulator: false,
      env: {
        ESI_ACK_WAIT_SECONDS: '3',
        ESI_HEAT_ACK_WAIT_SECONDS: '3',
        ESI_RESYNC_INTERVAL_MS: '2000',
        ESI_REDISPATCH_AFTER_MS: '20000',
        ESI_PLANNER_LEASE_TTL_S: '2',
        ESI_POLL_INTERVAL_MS: '2000',
        ESI_HEAT_SIMULATED_LATENCY_MS: '10',
        LOG_LEVEL: 'warn',
      },
    });
    const s = stack;
    const etcd = new Etcd3({ hosts: s.etcdEndpoints });
    const recorder = new EtcdRecorder(etcd);
    await recorder.start('/');
    const build = faultBuild(GROUPS);
    const started = Date.now();

    const kills = new Map<ServiceName, number>(SERVICE_NAMES.map((n) => [n, 0]));
    let submitting = true;
    let lastKill = 0;
    const killer = (async () => {
      while (submitting || [...kills.values()].some((k) => k < KILLS_PER_SERVICE)) {
        await new Promise((res) => setTimeout(res, 700 + Math.random() * 900));
        const candidates = SERVICE_NAMES.filter((n) => kills.get(n)! < KILLS_PER_SERVICE + 1);
        const name = candidates[Math.floor(Math.random() * candidates.length)]!;
        const proc = s.services.get(name)?.process.proc;
        if (!proc || proc.exitCode !== null || proc.signalCode !== null) continue;
        proc.kill('SIGKILL');
        kills.set(name, kills.get(name)! + 1);
        lastKill = Date.now();
      }
    })();

    for (const r of build) await submitWithRetry(s, r);
    submitting = false;
    await killer;

    const stateKey = (r: FaultResource): string => `/state/v2.0/${r.type === 'ese_logical_port' ? 'ese_logical_ports' : `${r.type}s`}/${r.id}`;
    const deadline = Date.now() + 180_000;
    let unsettled = build;
    while (unsettled.length > 0 && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 500));
      const states = await etcd.getAll().prefix('/state/v2.0/').strings();
      unsettled = build.filter((r) => {
        const v = states[stateKey(r)];
        return !v || (JSON.parse(v) as { state: { worker_state: string } }).state.worker_state !== 'CREATE_COMPLETED';
      });
    }
    const converged = Date.now();
    await recorder.stop();

    // Side effects, counted at the backend: a stack created twice would carry two ids.
    const stackIds = new Map<string, Set<string>>();
    for (const e of recorder.puts((k) => k.startsWith('/esi-worker/heat_stacks/'))) {
      const v = JSON.parse(e.value) as { stack_status: string; output: { output_key: string; output_value: unknown }[] };
      if (v.stack_status !== 'CREATE_COMPLETE') continue;
      const id = v.output.find((o) => o.output_key === 'id')?.output_value;
      stackIds.set(e.key, (stackIds.get(e.key) ?? new Set()).add(String(id)));
    }
    const duplicateStacks = [...stackIds.values()].filter((ids) => ids.size > 1).length;
    // A change planned twice would store two workflows' jobs for one version.
    const planned = new Map<string, number>();
    for (const e of recorder.puts((k) => k.startsWith('/jobs/all/'))) {
      const key = e.key.slice('/jobs/all/'.length).split(':').slice(0, 5).join(':');
      planned.set(key, (planned.get(key) ?? 0) + 1);
    }
    const plannedTwice = [...planned.values()].filter((n) => n > 1).length;
    const finalStates = await etcd.getAll().prefix('/state/v2.0/').strings();
    const byState = new Map<string, number>();
    for (const r of build) {
      const ws = finalStates[stateKey(r)] ? (JSON.parse(finalStates[stateKey(r)]!) as { state: { worker_state: string } }).state.worker_state : 'none';
      byState.set(ws, (byState.get(ws) ?? 0) + 1);
    }
    etcd.close();

    const figures = {
      resources: build.length,
      kills: Object.fromEntries(kills),
      totalKills: [...kills.values()].reduce((a, b) => a + b, 0),
      supervisorRestarts: s.supervisorRestarts(),
      finalStates: Object.fromEntries(byState),
      duplicateStacks,
      plannedTwice,
      lost: unsettled.length,
      secondsTotal: (converged - started) / 1000,
      secondsToConvergeAfterLastKill: (converged - lastKill) / 1000,
    };
    console.log(`crash-anywhere figures: ${JSON.stringify(figures)}`);

    expect(build.length).toBeGreaterThanOrEqual(300);
    for (const n of SERVICE_NAMES) expect(kills.get(n), n).toBeGreaterThanOrEqual(KILLS_PER_SERVICE);
    expect(unsettled.map((r) => `${r.type}:${r.id}`)).toEqual([]);
    expect(duplicateStacks).toBe(0);
    expect(plannedTwice).toBe(0);
    expect(stackIds.size, 'every resource has exactly one stack').toBe(build.length);
  }, 300_000);
});
