/**
 * Changes are planned side by side (planner-line.ts); their dependencies stay those of
 * some one-at-a-time order because each plan claims its jobs in the step that computes
 * its dependencies (`claim` in @esi/planning, `hold` in pending-jobs.ts). Here a port
 * and the network it reads are planned at the same moment with the real catalog, and
 * their reads are released by hand in either order: whichever computes its dependencies
 * second waits for the other's jobs. Without the claim, neither would.
 */
import { describe, expect, it } from 'vitest';
import { loadRelations, loadResourceTypes, loadTemplates } from '@esi/catalog';
import type { ConfigValue } from '@esi/contracts';
import { planWorkflow, type PlanResult, type TemplateBody } from '@esi/planning';
import { PendingJobs } from './pending-jobs.js';
import type { PlanDeps } from './plan-change.js';
import { planReferencedFirst } from './plan-references.js';

const types = loadResourceTypes();
const relations = loadRelations();
const templates = new Map((await loadTemplates()).map((t) => [t.id, t.body as unknown as TemplateBody]));

const NET = 'net-1';
const PORT = 'port-1';
const bodies: Record<string, Record<string, unknown>> = {
  [`network:${NET}`]: { id: NET, name: 'n', admin_state_up: false, tenant_id: 't1' },
  [`port:${PORT}`]: { id: PORT, name: 'p', network_id: NET, device_owner: 'compute:test', device_id: '', admin_state_up: true, tenant_id: 't1', fixed_ips: [], mac_address: 'fa:16:3e:00:00:01', tags: {} },
};

function config(key: string, version: number): ConfigValue {
  return { version, body: JSON.stringify(bodies[key]), marked_for_deletion: false } as ConfigValue;
}

/** A plan whose template reads wait for `gate`: its dependencies are computed once released. */
function plan(type: string, id: string, version: number, pending: PendingJobs, gate: Promise<void>, claim: boolean): Promise<PlanResult> {
  return planWorkflow({
    type,
    id,
    config: config(`${type}:${id}`, version),
    stateVersion: version > 1 ? version - 1 : undefined,
    plannedVersion: version > 1 ? version - 1 : undefined,
    typeInfo: types[type]!,
    relations,
    lookup: { getBody: async (t, i) => bodies[`${t}:${i}`] },
    getTemplate: async (t) => {
      await gate;
      return templates.get(t);
    },
    pending,
    ...(claim ? { claim: (jobs) => pending.hold(jobs) } : {}),
  });
}

function opened(): { gate: Promise<void>; open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return { gate, open };
}

const settle = () => new Promise((r) => setImmediate(r));

async function planBoth(first: 'network' | 'port', claim: boolean) {
  const pending = new PendingJobs();
  const net = opened();
  const port = opened();
  const planned = Promise.all([plan('network', NET, 2, pending, net.gate, claim), plan('port', PORT, 1, pending, port.gate, claim)]);
  await settle();
  (first === 'network' ? net : port).open();
  await settle();
  (first === 'network' ? port : net).open();
  const [n, p] = await planned;
  if (n.kind !== 'planned' || p.kind !== 'planned') throw new Error(`not planned: ${n.kind}, ${p.kind}`);
  return { net: n.jobs, port: p.jobs, pending };
}

describe('changes planned side by side', () => {
  it('the port planned second waits for the network job it reads (forward)', async () => {
    const { net, port, pending } = await planBoth('network', true);
    const netHeat = net.find((j) => j.handler === 'heat_worker')!;
    expect(port[0]!.dependency).toContain(netHeat.id);
    expect(net[0]!.dependency.filter((d) => port.some((j) => j.id === d))).toEqual([]);
    // Held: planning sees them, nothing dispatches them until the commit confirms them.
    expect(pending.ofResource('port', PORT)).toHaveLength(port.length);
    expect(pending.undispatchedReady()).toEqual([]);
  });

  it('the network planned second waits for the port job that reads it (reverse)', async () => {
    const { net, port } = await planBoth('port', true);
    expect(net[0]!.dependency.some((d) => port.some((j) => j.id === d))).toBe(true);
    expect(port[0]!.dependency.filter((d) => net.some((j) => j.id === d))).toEqual([]);
  });

  it('without the claim, neither waits for the other: the order would be lost', async () => {
    for (const first of ['network', 'port'] as const) {
      const { net, port } = await planBoth(first, false);
      expect(port[0]!.dependency.some((d) => net.some((j) => j.id === d))).toBe(false);
      expect(net[0]!.dependency.some((d) => port.some((j) => j.id === d))).toBe(false);
    }
  });
});

describe('a referenced resource’s jobs claimed after a plan was computed', () => {
  it('are reported, so the plan is computed again and waits for them', async () => {
    const pending = new PendingJobs();
    const computedAt = pending.mark();
    const portPlan = await plan('port', PORT, 1, pending, Promise.resolve(), false);
    if (portPlan.kind !== 'planned') throw new Error(portPlan.kind);
    expect(portPlan.jobs[0]!.dependency).toEqual([]);
    // The network's plan, beside it, claims its jobs only now.
    const netPlan = await plan('network', NET, 2, pending, Promise.resolve(), true);
    if (netPlan.kind !== 'planned') throw new Error(netPlan.kind);
    const deps = {
      pending,
      plannedVersions: new Map<string, number>(),
      reader: { getConfig: async (t: string, i: string) => config(`${t}:${i}`, t === 'network' ? 2 : 1) },
      isShared: () => false,
      partitions: { owns: () => true },
      log: { info: () => undefined },
    } as unknown as PlanDeps;
    const planChange = async () => 'planned' as const;
    const missed = await planReferencedFirst(`port:${PORT}`, portPlan.jobs, deps, {}, planChange, () => undefined, computedAt);
    expect(missed).toEqual({ plannedFirst: 0, missedJobs: true });
    // Computed again after the claim: what it sees is no longer news.
    const again = await planReferencedFirst(`port:${PORT}`, portPlan.jobs, deps, {}, planChange, () => undefined, pending.mark());
    expect(again).toEqual({ plannedFirst: 0, missedJobs: false });
  });
});
