/**
 * Runs a fault scenario: submits a build through gRPC (retrying while the api is down),
 * lets a disruptor kill things meanwhile, waits for every resource to settle, and counts
 * what matters at the backends: lost changes, stacks created twice (the embedded engine's
 * own operation count), changes planned twice.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { createResource, resourceClient } from '@esi/client';
import { type Stack } from '@esi/local-stack';
import { EtcdRecorder } from './etcd-recorder.js';
import { engineOperations } from './fault-aim.js';
import type { FaultResource } from './fault-build.js';

export interface FaultFigures {
  resources: number;
  finalStates: Record<string, number>;
  duplicateStacks: number;
  plannedTwice: number;
  stacks: number;
  lost: string[];
  secondsTotal: number;
  secondsToConvergeAfterLastDisruption: number;
}

/** The disruptor runs while the build is submitted; it resolves with the time of its last blow. */
export type Disruptor = (isSubmitting: () => boolean) => Promise<number>;

const RETRYABLE = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.INTERNAL, status.CANCELLED, status.UNKNOWN]);

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
      if (attempt > 600 || !RETRYABLE.has(e.code)) throw err;
      await new Promise((res) => setTimeout(res, 100));
    } finally {
      client.close();
    }
  }
}

const pluralOf = (type: string): string => (type.endsWith('s') ? type : `${type}s`);
const stateKey = (r: FaultResource): string => `/state/v2.0/${pluralOf(r.type)}/${r.id}`;

export async function runFaultScenario(stack: Stack, build: FaultResource[], disrupt: Disruptor, timeoutMs = 180_000): Promise<FaultFigures> {
  const etcd = new Etcd3({ hosts: stack.etcdEndpoints.split(',') });
  const recorder = new EtcdRecorder(etcd);
  await recorder.start('/');
  const started = Date.now();
  let submitting = true;
  const disruption = disrupt(() => submitting);
  for (const r of build) await submitWithRetry(stack, r);
  submitting = false;
  const lastBlow = await disruption;

  const deadline = Date.now() + timeoutMs;
  let unsettled = build;
  let states: Record<string, string> = {};
  while (unsettled.length > 0 && Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, 500));
    try {
      states = await etcd.getAll().prefix('/state/v2.0/').strings();
    } catch {
      continue; // etcd may still be coming back
    }
    unsettled = build.filter((r) => {
      const v = states[stateKey(r)];
      return !v || (JSON.parse(v) as { state: { worker_state: string } }).state.worker_state !== 'CREATE_COMPLETED';
    });
  }
  const converged = Date.now();
  await recorder.stop();
  etcd.close();

  // Counted at the backend, not from the heat-worker's reports: the embedded engine's own
  // count of the operations it started on each stack, over every write of its records.
  const engineStacks = engineOperations(recorder.events.filter((e) => e.key.startsWith('/esi-heat-engine/stacks/')));
  // A change planned twice would store two workflows' jobs for one version.
  const planned = new Map<string, number>();
  for (const e of recorder.puts((k) => k.startsWith('/jobs/all/'))) {
    const key = e.key.slice('/jobs/all/'.length).split(':').slice(0, 5).join(':');
    planned.set(key, (planned.get(key) ?? 0) + 1);
  }
  const finalStates: Record<string, number> = {};
  for (const r of build) {
    const raw = states[stateKey(r)];
    const ws = raw ? (JSON.parse(raw) as { state: { worker_state: string } }).state.worker_state : 'none';
    finalStates[ws] = (finalStates[ws] ?? 0) + 1;
  }
  return {
    resources: build.length,
    finalStates,
    duplicateStacks: [...engineStacks.values()].filter((ops) => ops.CREATE > 1).length,
    plannedTwice: [...planned.values()].filter((n) => n > 1).length,
    stacks: [...engineStacks.values()].filter((ops) => ops.CREATE > 0).length,
    lost: unsettled.map((r) => `${r.type}:${r.id}`),
    secondsTotal: (converged - started) / 1000,
    secondsToConvergeAfterLastDisruption: (converged - lastBlow) / 1000,
  };
}

/** Environment that makes recovery quick enough for a test (short leases and ack waits). */
export const FAST_RECOVERY_ENV: Record<string, string> = {
  ESI_ACK_WAIT_SECONDS: '3',
  ESI_HEAT_ACK_WAIT_SECONDS: '3',
  ESI_RESYNC_INTERVAL_MS: '2000',
  ESI_REDISPATCH_AFTER_MS: '20000',
  ESI_PLANNER_LEASE_TTL_S: '2',
  ESI_POLL_INTERVAL_MS: '2000',
  ESI_HEAT_SIMULATED_LATENCY_MS: '10',
  LOG_LEVEL: 'warn',
};
