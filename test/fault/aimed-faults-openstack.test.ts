/**
 * Aimed faults with the heat-worker's openstack driver: the stack's heat-worker talks to
 * a fake Keystone + Heat (convergence engine) served on loopback by this test. Services
 * die (ESI_FAULT, SIGKILL-equivalent) after an etcd write before its publish and after a
 * publish before the ack, during creates, then updates, then deletes; and the heat-worker
 * is killed while a Heat stack is *_IN_PROGRESS (the `mid-stack` fault point lives in the
 * embedded engine's store, which this driver never calls, so that kill comes from the
 * fake Heat's operation hook instead). The supervisor restarts them. Afterwards every
 * resource is in its right final state, and the fake Heat's own request log (not the
 * heat-worker's reports) shows each stack created (POST) once, updated (PUT) once and
 * deleted (DELETE) once, and its own records one stack per network.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, describe, expect, it } from 'vitest';
import { startHeatTestServer, type HeatTestServer, type OperationResult, type StackOperationInfo } from '@esi/heat-client';
import { startStack, type Stack } from '@esi/local-stack';
import { InMemoryStackStore, parseTemplate, resolveParameters, StackEngine } from '@esi/stack-engine';
import { heatOperations, sendWithRetry, type OperationCounts } from '../support/fault-aim.js';
import { FAST_RECOVERY_ENV } from '../support/fault-run.js';
import { waitFor } from '../support/wait.js';

const NETWORKS = 12;
const TENANT = 'aimed-openstack-tenant';

/**
 * Per phase, a kill at every point of every service that has it (n well below NETWORKS).
 * An update's monitoring jobs are a delete and a create (the modify workflow), so the
 * monitoring-worker has no update-tagged point to aim at. The state-aggregator's publish
 * kill comes before its etcd-write kill (n counts passes in one life of the process, and
 * each job passes the write, then the publish): the other way round, with 12 networks,
 * the restarted aggregator saw too few deletes to reach the publish kill.
 */
const FAULTS = (['create', 'update', 'delete'] as const).flatMap((a, i) => [
  `after-etcd-write.${a}:api:${3 + i}`,
  `after-etcd-write.${a}:planner:${2 + i}`,
  `after-etcd-write.${a}:state-aggregator:${4 + i}`,
  `after-publish.${a}:planner:${5 + i}`,
  `after-publish.${a}:heat-worker:${3 + i}`,
  ...(a === 'update' ? [] : [`after-publish.${a}:monitoring-worker:${2 + i}`]),
  `after-publish.${a}:state-aggregator:${3 + i}`,
]);

/** The Heat operation (counted per action, at the fake) during which the heat-worker is killed. */
const KILL_IN_PROGRESS: OperationCounts = { CREATE: 4, UPDATE: 5, DELETE: 6 };

/** A Heat action in the fault's vocabulary. */
const faultAction = (action: keyof OperationCounts): string => action.toLowerCase();

/** The faults that fired so far: each service appends its spec to ESI_FAULT_STATE before dying. */
const firedFaults = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

let stack: Stack | undefined;
let etcd: Etcd3 | undefined;
let heat: HeatTestServer | undefined;

afterAll(async () => {
  etcd?.close();
  await stack?.stop();
  await heat?.close();
});

interface StateValue {
  version: number;
  state: { worker_state?: string };
}

describe('aimed faults, openstack driver', () => {
  it('creates, updates and deletes converge with each Heat stack operation requested once', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'esi-aimed-os-')), 'fired');
    const seenOps: OperationCounts = { CREATE: 0, UPDATE: 0, DELETE: 0 };
    const killedInProgress: string[] = [];
    // Heat's resources are the stack engine's simulated providers, so templates are
    // validated and outputs computed as the embedded driver would.
    const engine = new StackEngine({ store: new InMemoryStackStore() });

    /** Deaths per service, as the supervisor saw them (each one is restarted). */
    const deaths = new Map<string, number>();
    const diedCount = (name: string): number => deaths.get(name) ?? 0;

    /**
     * The fake keeps a stack *_IN_PROGRESS until this returns. For the chosen operations
     * it SIGKILLs the heat-worker (the supervisor starts another), then holds the stack
     * in progress until the next worker, given the job again (ESI_HEAT_ACK_WAIT_SECONDS=3),
     * has looked the stack up (a GET in Heat's own log): it meets the stack still running
     * and must wait for it, not act again.
     *
     * The phase's own heat-worker ESI_FAULT (after its n-th publish) would otherwise land
     * at about the same moment, one death for two kills: so the kill waits until that
     * fault has fired and its replacement is up, and kills the replacement.
     */
    const run = async (op: StackOperationInfo): Promise<OperationResult> => {
      seenOps[op.action] += 1;
      if (seenOps[op.action] === KILL_IN_PROGRESS[op.action]) {
        const spec = FAULTS.find((f) => f.startsWith(`after-publish.${faultAction(op.action)}:heat-worker:`))!;
        await waitFor(`${spec} fired`, async () => (firedFaults(stateFile).includes(spec) ? true : undefined), 30_000, 50);
        // Every heat-worker death so far (its ESI_FAULTs and these kills) seen by the supervisor.
        const known = () => firedFaults(stateFile).filter((f) => f.includes(':heat-worker:')).length + killedInProgress.length;
        await waitFor('the heat-worker deaths seen', async () => (diedCount('heat-worker') >= known() ? true : undefined), 30_000, 50);
        const worker = await waitFor('a live heat-worker', async () => {
          const w = stack?.services.get('heat-worker');
          return w && w.process.proc.exitCode === null && w.process.proc.signalCode === null ? w : undefined;
        }, 30_000, 50);
        await worker.ready;
        const proc = worker.process.proc;
        const exited = new Promise((res) => proc.once('exit', res));
        proc.kill('SIGKILL');
        await exited;
        const killedAt = Date.now();
        // Bounded: restart backoff (up to a few seconds here) plus a service's start under load.
        const lookedAt = await waitFor(`a new heat-worker looking at ${op.name}`, async () =>
          heat?.requests.some((r) => r.at > killedAt && r.method === 'GET' && decodeURIComponent(r.path).includes(op.name)) ? true : undefined,
          20_000, 100).catch(() => false);
        killedInProgress.push(`${op.action}:${lookedAt ? 'seen in progress by the next worker' : 'not looked at while in progress'}`);
      }
      const request = { name: op.name, template: op.template, params: op.parameters };
      const done =
        op.action === 'CREATE' ? await engine.createStack(request) : op.action === 'UPDATE' ? await engine.updateStack(request) : await engine.deleteStack(op.name);
      return done.status.endsWith('_COMPLETE') ? { ok: true, outputs: done.outputs } : { ok: false, reason: done.reason };
    };
    heat = await startHeatTestServer({
      engine: 'convergence',
      operationDelayMs: 15,
      validate: (request) => void resolveParameters(parseTemplate(request.template).parameters, request.parameters),
      run,
    });
    const h = heat;
    const c = h.credentials;

    stack = await startStack({
      supervise: true,
      onRestart: (name) => void deaths.set(name, diedCount(name) + 1),
      deviceSimulator: false,
      env: {
        ...FAST_RECOVERY_ENV,
        ESI_FAULT: FAULTS.join(','),
        ESI_FAULT_STATE: stateFile,
        ESI_HEAT_DRIVER: 'openstack',
        ESI_HEAT_POLL_MS: '20',
        OS_AUTH_URL: h.authUrl,
        OS_USERNAME: c.username,
        OS_PASSWORD: c.password,
        OS_PROJECT_NAME: c.projectName ?? '',
        OS_USER_DOMAIN_NAME: c.userDomainName ?? 'Default',
        OS_PROJECT_DOMAIN_NAME: c.projectDomainName ?? 'Default',
        OS_REGION_NAME: c.regionName ?? '',
      },
    });
    const s = stack;
    etcd = new Etcd3({ hosts: s.etcdEndpoints.split(',') });
    const db = etcd;

    const ids = Array.from({ length: NETWORKS }, () => randomUUID());
    const names = ids.map((id) => `network_${id}`);
    const firedBy: Record<string, string[]> = {};
    const phaseSeconds = { create: 0, update: 0, delete: 0 };
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
      }, 60_000, 500);
    const liveHeatStack = (name: string) => h.stacks().find((st) => st.name === name && !st.deleted);

    // Creates.
    await Promise.all(ids.map((id, g) => sendWithRetry(s.apiAddr, { kind: 'create', type: 'network', body: { id, name: `aimed-os-${g}`, admin_state_up: true, tenant_id: TENANT } })));
    const created = await settledAt(1);
    phaseSeconds.create = (Date.now() - started) / 1000;
    firedBy.create = firedFaults(stateFile);
    for (const id of ids) expect(created.get(id)?.state.worker_state, id).toBe('CREATE_COMPLETED');
    for (const name of names) expect(liveHeatStack(name)?.status, name).toBe('CREATE_COMPLETE');

    // Updates: admin_state_up is a stack parameter, so every stack is updated.
    await Promise.all(ids.map((id) => sendWithRetry(s.apiAddr, { kind: 'update', type: 'network', id, body: { admin_state_up: false }, expectedVersion: 1 })));
    await settledAt(2);
    phaseSeconds.update = (Date.now() - started) / 1000 - phaseSeconds.create;
    firedBy.update = firedFaults(stateFile).filter((f) => !firedBy.create!.includes(f));
    for (const name of names) {
      const st = liveHeatStack(name);
      expect([st?.status, String(st?.parameters.admin_state_up).toLowerCase()], name).toEqual(['UPDATE_COMPLETE', 'false']);
    }

    // Deletes: done when the config is removed and Heat's stack is deleted.
    await Promise.all(ids.map((id) => sendWithRetry(s.apiAddr, { kind: 'delete', type: 'network', id })));
    await waitFor('every network and its Heat stack removed', async () => {
      const configs = await db.getAll().prefix('/config/v2.0/networks/').keys().catch(() => undefined);
      return configs?.length === 0 && names.every((n) => liveHeatStack(n) === undefined) ? true : undefined;
    }, 60_000, 500);
    phaseSeconds.delete = (Date.now() - started) / 1000 - phaseSeconds.create - phaseSeconds.update;
    const seen = new Set([...firedBy.create, ...firedBy.update]);
    firedBy.delete = firedFaults(stateFile).filter((f) => !seen.has(f));

    // Counted at the fake Heat: its request log and its own stack records.
    const ops = heatOperations(h.requests);
    const notOnce = [...ops].filter(([, n]) => n.CREATE !== 1 || n.UPDATE !== 1 || n.DELETE !== 1);
    const heatRecords = h.stacks();
    const fired = firedFaults(stateFile);
    console.log(`aimed-faults-openstack figures: ${JSON.stringify({
      networks: NETWORKS,
      seconds: (Date.now() - started) / 1000,
      phaseSeconds,
      faultsArmed: FAULTS.length,
      faultsFired: fired.length,
      firedBy,
      notFired: FAULTS.filter((f) => !fired.includes(f)),
      killedInProgress,
      supervisorRestarts: s.supervisorRestarts(),
      deaths: Object.fromEntries(deaths),
      heatStacksRequested: ops.size,
      heatRequests: { POST: h.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/stacks')).length, PUT: h.requests.filter((r) => r.method === 'PUT').length, DELETE: h.requests.filter((r) => r.method === 'DELETE').length },
      heatOperationsRun: seenOps,
      heatStackRecords: heatRecords.length,
      notExactlyOncePerAction: notOnce,
    })}`);

    expect([...ops.keys()].sort(), 'Heat was asked about these stacks only').toEqual([...names].sort());
    expect(notOnce, 'each stack created, updated and deleted exactly once (fake Heat request log)').toEqual([]);
    // One record per network in Heat's own table (a second create would add one), all deleted.
    expect(heatRecords.map((st) => st.name).sort()).toEqual([...names].sort());
    expect(heatRecords.filter((st) => !st.deleted || st.status !== 'DELETE_COMPLETE').map((st) => st.name)).toEqual([]);
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
      ].sort(),
    );
    for (const phase of ['create', 'update', 'delete']) expect(firedBy[phase]!.length, `kills during ${phase}s`).toBeGreaterThan(0);
    expect(killedInProgress, 'heat-worker killed mid-operation in each phase, the next one waiting for that operation').toEqual(
      ['CREATE', 'UPDATE', 'DELETE'].map((a) => `${a}:seen in progress by the next worker`),
    );
    // Each kill was one death, and nothing else died.
    const expectedDeaths = new Map<string, number>();
    for (const f of fired) expectedDeaths.set(f.split(':')[1]!, (expectedDeaths.get(f.split(':')[1]!) ?? 0) + 1);
    expectedDeaths.set('heat-worker', (expectedDeaths.get('heat-worker') ?? 0) + killedInProgress.length);
    // A death is seen when its process exit is: give the last one a moment to arrive.
    const deathsAsKilled = (): boolean => JSON.stringify([...deaths].sort()) === JSON.stringify([...expectedDeaths].sort());
    await waitFor('every kill seen as a death', async () => (deathsAsKilled() ? true : undefined), 30_000).catch(() => undefined);
    expect(Object.fromEntries([...deaths].sort()), 'deaths per service').toEqual(Object.fromEntries([...expectedDeaths].sort()));
  }, 300_000);
});
