/**
 * Faults that aim: services die (ESI_FAULT, SIGKILL-equivalent) at chosen points —
 * after an etcd write before its publish, after a publish before the ack, and in the
 * middle of a stack — while resources are created, then updated, then deleted; the
 * supervisor restarts them. Afterwards every resource is in its right final state, and
 * the embedded engine's own records (not the heat-worker's reports) show each stack
 * created once, updated once and deleted once.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '@esi/local-stack';
import { EtcdRecorder } from '../support/etcd-recorder.js';
import { engineOperations, sendWithRetry } from '../support/fault-aim.js';
import { FAST_RECOVERY_ENV } from '../support/fault-run.js';
import { waitFor } from '../support/wait.js';

const NETWORKS = 16;
const TENANT = 'aimed-tenant';

/**
 * Per phase, a kill at every point of every service that has it (n well below NETWORKS).
 * An update's monitoring jobs are a delete and a create (the modify workflow), so the
 * monitoring-worker has no update-tagged point to aim at.
 */
const FAULTS = (['create', 'update', 'delete'] as const).flatMap((a, i) => [
  `after-etcd-write.${a}:api:${3 + i}`,
  `after-etcd-write.${a}:planner:${2 + i}`,
  `after-etcd-write.${a}:state-aggregator:${4 + i}`,
  `after-publish.${a}:planner:${5 + i}`,
  `after-publish.${a}:heat-worker:${3 + i}`,
  ...(a === 'update' ? [] : [`after-publish.${a}:monitoring-worker:${2 + i}`]),
  `after-publish.${a}:state-aggregator:${6 + i}`,
  `mid-stack.${a}:heat-worker:${4 + i}`,
]);

/** The faults that fired so far: each service appends its spec to ESI_FAULT_STATE before dying. */
const firedFaults = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

let stack: Stack | undefined;
let etcd: Etcd3 | undefined;

afterAll(async () => {
  etcd?.close();
  await stack?.stop();
});

interface StateValue {
  version: number;
  state: { worker_state?: string };
}

describe('aimed faults', () => {
  it('creates, updates and deletes converge with each stack operation done once at the backend', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'esi-aimed-')), 'fired');
    stack = await startStack({
      supervise: true,
      deviceSimulator: false,
      env: { ...FAST_RECOVERY_ENV, ESI_FAULT: FAULTS.join(','), ESI_FAULT_STATE: stateFile },
    });
    const s = stack;
    etcd = new Etcd3({ hosts: s.etcdEndpoints.split(',') });
    const db = etcd;
    const recorder = new EtcdRecorder(db);
    await recorder.start('/esi-heat-engine/stacks/');

    const ids = Array.from({ length: NETWORKS }, () => randomUUID());
    const firedBy: Record<string, string[]> = {};
    const started = Date.now();

    const states = async (): Promise<Map<string, StateValue>> => {
      const all = await db.getAll().prefix('/state/v2.0/networks/').strings();
      return new Map(Object.entries(all).map(([k, v]) => [k.slice('/state/v2.0/networks/'.length), JSON.parse(v) as StateValue]));
    };
    const settledAt = (version: number) =>
      waitFor(`${NETWORKS} networks settled at version ${version}`, async () => {
        const now = await states().catch(() => undefined);
        const ok = ids.every((id) => {
          const v = now?.get(id);
          return v?.version === version && /_COMPLETED$/.test(v.state.worker_state ?? '');
        });
        return ok ? now : undefined;
      }, 90_000, 500);

    // Creates.
    await Promise.all(ids.map((id, g) => sendWithRetry(s.apiAddr, { kind: 'create', type: 'network', body: { id, name: `aimed-${g}`, admin_state_up: true, tenant_id: TENANT } })));
    const created = await settledAt(1);
    firedBy.create = firedFaults(stateFile);
    for (const id of ids) expect(created.get(id)?.state.worker_state, id).toBe('CREATE_COMPLETED');

    // Updates: admin_state_up is a stack parameter, so every stack is updated.
    await Promise.all(ids.map((id) => sendWithRetry(s.apiAddr, { kind: 'update', type: 'network', id, body: { admin_state_up: false }, expectedVersion: 1 })));
    await settledAt(2);
    firedBy.update = firedFaults(stateFile).filter((f) => !firedBy.create!.includes(f));
    for (const id of ids) {
      const engineStack = JSON.parse((await db.get(`/esi-heat-engine/stacks/network_${id}`).string()) ?? '{}') as { status?: string; params?: Record<string, unknown> };
      expect([engineStack.status, engineStack.params?.admin_state_up], id).toEqual(['UPDATE_COMPLETE', false]);
    }

    // Deletes: done when the config is removed, and the engine's stack with it.
    await Promise.all(ids.map((id) => sendWithRetry(s.apiAddr, { kind: 'delete', type: 'network', id })));
    await waitFor('every network and its stack removed', async () => {
      const [configs, stacks] = await Promise.all([
        db.getAll().prefix('/config/v2.0/networks/').keys().catch(() => undefined),
        db.getAll().prefix('/esi-heat-engine/stacks/').keys().catch(() => undefined),
      ]);
      return configs?.length === 0 && stacks?.length === 0 ? true : undefined;
    }, 90_000, 500);
    const seen = new Set([...firedBy.create, ...firedBy.update]);
    firedBy.delete = firedFaults(stateFile).filter((f) => !seen.has(f));
    await recorder.stop();

    const ops = engineOperations(recorder.events);
    const twice = [...ops].filter(([, c]) => c.CREATE !== 1 || c.UPDATE !== 1 || c.DELETE !== 1);
    const fired = firedFaults(stateFile);
    console.log(`aimed-faults figures: ${JSON.stringify({
      networks: NETWORKS,
      seconds: (Date.now() - started) / 1000,
      faultsArmed: FAULTS.length,
      faultsFired: fired.length,
      firedBy,
      notFired: FAULTS.filter((f) => !fired.includes(f)),
      supervisorRestarts: s.supervisorRestarts(),
      engineStacks: ops.size,
      notExactlyOncePerAction: twice,
    })}`);

    expect(ops.size, 'one engine stack per network').toBe(NETWORKS);
    expect(twice, 'each stack created, updated and deleted exactly once (engine records)').toEqual([]);
    // Every point of every service was hit in at least one phase.
    const points = new Set(fired.map((f) => f.replace(/\.[a-z]+:/, ':').replace(/:\d+$/, '')));
    expect([...points].sort()).toEqual(
      [
        'after-etcd-write:api',
        'after-etcd-write:planner',
        'after-etcd-write:state-aggregator',
        'after-publish:heat-worker',
        'after-publish:monitoring-worker',
        'after-publish:planner',
        'after-publish:state-aggregator',
        'mid-stack:heat-worker',
      ].sort(),
    );
    for (const phase of ['create', 'update', 'delete']) expect(firedBy[phase]!.length, `kills during ${phase}s`).toBeGreaterThan(0);
    // The last kill's restart may still be in its backoff when the deletes settle.
    await waitFor('every killed service restarted', async () => (s.supervisorRestarts() >= fired.length ? true : undefined), 60_000);
  }, 240_000);
});
