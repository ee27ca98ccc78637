/**
 * Secrets stay secret: the edge routers' logins and passwords (fields the schemas mark
 * `secret`) reach a tenant as "***" through every answer — Get, List, Watch, Explain,
 * Plan (params resolved from the routers through the gateway interface's mappings) and
 * History (job params, inputs and results) — while an admin sees the values. State and
 * monitoring values (Watch, Explain) are scrubbed too, and Explain shows a tenant a job of
 * another tenant in its wait chain only as a wait on something it cannot see. A real
 * stack (nats-server, etcd, the five services) runs the example build for the tenant.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExampleBuild } from '@esi/catalog';
import { createResource, explainResource, getResource, listAll, planChange, resourceClient, resourceHistory, submitBuild, watchResources, type ResourceClient, type SubmittedResource } from '@esi/client';
import { startStack, type Stack } from '@esi/local-stack';
import { waitFor } from '../support/wait.js';

const ADMIN_TOKEN = 'admin-token-secrets';
const TENANT_TOKEN = 'tenant-token-secrets';
const TENANT = 'sec-tenant';
const PASSWORD = 'Pw-of-the-edge-router-42';
const LOGIN = 'netconf-operator';
const MASK = '***';

let stack: Stack;
let admin: ResourceClient;
let tenant: ResourceClient;
let built: SubmittedResource[];
let etcd: Etcd3;
const idOf = (ref: string): string => built.find((r) => r.ref === ref)!.id;

beforeAll(async () => {
  // Debug level: the log check at the end then covers everything a service may log.
  stack = await startStack({ env: { ESI_API_TOKENS: `${ADMIN_TOKEN}=admin,${TENANT_TOKEN}=tenant:${TENANT}`, LOG_LEVEL: 'debug' } });
  admin = resourceClient(stack.apiAddr, { token: ADMIN_TOKEN });
  tenant = resourceClient(stack.apiAddr, { token: TENANT_TOKEN });
  etcd = new Etcd3({ hosts: stack.etcdEndpoints });
  // The example build, its tenant named so a token can be issued for it, its routers given
  // credentials a test can search for.
  const build = loadExampleBuild().map((r) => {
    if (r.type === 'tenant') return { ...r, body: { ...r.body, id: TENANT } };
    if (r.type === 'edge_router') return { ...r, body: { ...r.body, login: LOGIN, password: PASSWORD } };
    return r;
  });
  built = await submitBuild(admin, build);
  await waitFor('the gateway interface to settle', async () => {
    const r = (await getResource(admin, 'gw_interface', idOf('gw-if'))).resource!;
    const s = r.stateJson ? (JSON.parse(r.stateJson) as { state: { worker_state: string } }) : undefined;
    return s?.state.worker_state === 'CREATE_COMPLETED' ? s : undefined;
  }, 120_000);
}, 180_000);

afterAll(async () => {
  admin?.close();
  tenant?.close();
  etcd?.close();
  await stack?.stop();
});

const leaks = (text: string): boolean => text.includes(PASSWORD) || text.includes(LOGIN);

describe('secrets stay secret', () => {
  it('Get and List show a tenant "***" for the secret fields of a router; an admin sees them', async () => {
    const router = idOf('edge-router-a');
    const mine = JSON.parse((await getResource(tenant, 'edge_router', router)).resource!.bodyJson) as Record<string, unknown>;
    expect([mine.login, mine.password, mine.ip]).toEqual([MASK, MASK, '127.0.0.1']);
    const listed = await listAll(tenant, 'edge_router');
    expect(listed.length).toBe(2);
    for (const r of listed) expect(leaks(r.bodyJson), r.bodyJson).toBe(false);
    const adminView = JSON.parse((await getResource(admin, 'edge_router', router)).resource!.bodyJson) as Record<string, unknown>;
    expect([adminView.login, adminView.password]).toEqual([LOGIN, PASSWORD]);
  });

  it('Watch (current values) and Explain show a tenant "***"', async () => {
    const events: string[] = [];
    const handle = watchResources(tenant, { resourceType: 'edge_router', includeCurrent: true }, (e) => events.push(e.valueJson));
    await waitFor('the current routers', async () => (events.filter((v) => v.includes('"body"')).length >= 2 ? true : undefined));
    handle.cancel();
    await handle.done;
    for (const v of events) expect(leaks(v), v).toBe(false);
    expect(events.some((v) => v.includes(MASK))).toBe(true);
    const explained = await explainResource(tenant, 'edge_router', idOf('edge-router-a'));
    expect(leaks(JSON.stringify(explained))).toBe(false);
  });

  it('Plan masks the params a gateway interface resolves from the routers; an admin sees them', async () => {
    const req = { resource: { resourceType: 'gw_interface', id: idOf('gw-if'), bodyJson: JSON.stringify({ description: 'changed' }), update: true, delete: false } };
    const plan = await planChange(tenant, req);
    expect(plan.outcome).toBe('planned');
    const params = plan.jobs.flatMap((j) => j.params);
    const password = params.find((p) => p.param === 'primary_device_password')!;
    const username = params.find((p) => p.param === 'primary_device_username')!;
    expect([password.valueJson, password.resolvedJson, username.valueJson]).toEqual([`"${MASK}"`, `"${MASK}"`, `"${MASK}"`]);
    expect(params.find((p) => p.param === 'primary_device_ip')!.valueJson).toBe('"127.0.0.1"');
    expect(leaks(JSON.stringify(plan))).toBe(false);
    const adminPlan = await planChange(admin, req);
    expect(adminPlan.jobs.flatMap((j) => j.params).find((p) => p.param === 'primary_device_password')!.valueJson).toBe(JSON.stringify(PASSWORD));
  });

  it('History masks the job params, inputs and results of a tenant; an admin sees them', async () => {
    const mine = await resourceHistory(tenant, 'gw_interface', idOf('gw-if'));
    const results = mine.events.filter((e) => e.kind === 'job_result');
    expect(results.length).toBeGreaterThan(0);
    for (const e of mine.events) expect(leaks(e.eventJson), e.eventJson).toBe(false);
    expect(results.some((e) => e.eventJson.includes(MASK))).toBe(true);
    const theirs = await resourceHistory(admin, 'gw_interface', idOf('gw-if'));
    expect(theirs.events.some((e) => e.eventJson.includes(PASSWORD))).toBe(true);
    const routerHistory = await resourceHistory(tenant, 'edge_router', idOf('edge-router-a'));
    for (const e of routerHistory.events) expect(leaks(e.eventJson), e.eventJson).toBe(false);
    // A change event carries the value the api wrote (for the planner): masked like a Get.
    const carried = routerHistory.events.filter((e) => e.kind === 'config' && e.eventJson.includes('configJson'));
    expect(carried.length).toBeGreaterThan(0);
    expect(carried.every((e) => e.eventJson.includes(MASK))).toBe(true);
    const adminRouter = await resourceHistory(admin, 'edge_router', idOf('edge-router-a'));
    expect(adminRouter.events.some((e) => e.kind === 'config' && e.eventJson.includes(PASSWORD))).toBe(true);
  });

  it('Watch, Get and List show a tenant state values with secrets masked, a member named for a secret and any text quoting one', async () => {
    const router = idOf('edge-router-b');
    // A worker's error that quotes the credentials it was given, and a job_state member
    // (stored as JSON text by the aggregator) named for a secret; put in place by hand.
    const state = { version: 1, error: `login ${LOGIN}/${PASSWORD} refused`, state: { worker_state: 'CREATE_FAILED', heat_outputs: JSON.stringify({ device_password: PASSWORD, note: `pw ${PASSWORD}` }) } };
    await etcd.put(`/state/v2.0/edge_routers/${router}`).value(JSON.stringify(state));
    const seen = async (client: ResourceClient): Promise<string[]> => {
      const events: string[] = [];
      const handle = watchResources(client, { resourceType: 'edge_router', id: router, includeCurrent: true }, (e) => events.push(e.valueJson));
      await waitFor('the current state', async () => (events.some((v) => v.includes('CREATE_FAILED')) ? true : undefined));
      handle.cancel();
      await handle.done;
      return events;
    };
    const mine = (await seen(tenant)).find((v) => v.includes('CREATE_FAILED'))!;
    expect(leaks(mine), mine).toBe(false);
    const parsed = JSON.parse(mine) as typeof state;
    expect(parsed.error).toBe(`login ${MASK}/${MASK} refused`);
    expect(JSON.parse(parsed.state.heat_outputs)).toEqual({ device_password: MASK, note: `pw ${MASK}` });
    expect((await seen(admin)).some((v) => v.includes(PASSWORD))).toBe(true);

    // Get and List show the same state as Watch does.
    const got = (await getResource(tenant, 'edge_router', router)).resource!;
    const listed = (await listAll(tenant, 'edge_router')).find((r) => r.id === router)!;
    for (const view of [got, listed]) {
      expect(leaks(view.stateJson), view.stateJson).toBe(false);
      expect((JSON.parse(view.stateJson) as typeof state).error).toBe(`login ${MASK}/${MASK} refused`);
    }
    expect((await getResource(admin, 'edge_router', router)).resource!.stateJson).toContain(PASSWORD);
  });

  it('Explain scrubs the wait chain and shows another tenant’s job only as a wait on something unseen', async () => {
    const gwIf = idOf('gw-if');
    const router = idOf('edge-router-b');
    // Another tenant's two networks, and a chain of pending jobs put in place by hand: the
    // tenant's gateway interface waits for the router (its own, whose state quotes the
    // password: previous test) and for the other tenant's network, which waits for the other's second network.
    for (const id of ['other-net', 'other-net-2']) await createResource(admin, 'network', { id, name: id, tenant_id: 'other-tenant' });
    // Let the pipeline settle them first, or its own /state write lands after the one below.
    for (const id of ['other-net', 'other-net-2']) {
      await waitFor(`${id} settled`, async () => ((await getResource(admin, 'network', id)).resource!.stateJson.includes('_COMPLETED') ? true : undefined));
    }
    const job = (type: string, id: string, suffix: string, dependency: string[]) => {
      const jobId = `create:heat_worker:${type}:${id}:99:${suffix}`;
      const body = { id: jobId, resource_type: type, resource_id: id, handler: 'heat_worker', action: 'create', version: 99, dependency, params: [], resource_input: {}, is_first: true, is_last: true, on_failure: 'fail', job_name: 'x' };
      return { jobId, value: JSON.stringify(['heat_worker', body, 0]) };
    };
    const deeper = job('network', 'other-net-2', 'ccccc', []);
    const other = job('network', 'other-net', 'bbbbb', [deeper.jobId]);
    const routerJob = job('edge_router', router, 'aaaaa', []);
    const mineJob = job('gw_interface', gwIf, 'zzzzz', [routerJob.jobId, other.jobId]);
    const all = [deeper, other, routerJob, mineJob];
    await etcd.put(`/state/v2.0/networks/other-net`).value(JSON.stringify({ version: 1, error: 'other tenant failure', state: { worker_state: 'CREATE_FAILED' } }));
    for (const j of all) await etcd.put(`/jobs/all/${j.jobId}`).value(j.value);
    try {
      const explained = await explainResource(tenant, 'gw_interface', gwIf);
      const text = JSON.stringify(explained);
      expect(leaks(text), text).toBe(false);
      for (const word of ['other-net', 'other-tenant', 'other tenant failure', deeper.jobId]) expect(text).not.toContain(word);
      const waiting = explained.jobs.find((j) => j.id === mineJob.jobId)!;
      const hidden = waiting.waitsFor.filter((w) => w.jobId === '(a job of another tenant)');
      expect(hidden.length).toBe(1);
      expect([hidden[0]!.resourceType, hidden[0]!.resourceId, hidden[0]!.handler, hidden[0]!.resourceStateError]).toEqual(['', '', '', '']);
      const routerLink = waiting.waitsFor.find((w) => w.resourceId === router)!;
      expect(routerLink.resourceStateError).toBe(`login ${MASK}/${MASK} refused`);
      expect(waiting.waitsFor.length).toBe(2);
      // An admin sees the whole chain and the values.
      const adminText = JSON.stringify(await explainResource(admin, 'gw_interface', gwIf));
      for (const word of ['other-net-2', 'other tenant failure', PASSWORD]) expect(adminText).toContain(word);
    } finally {
      for (const j of all) await etcd.delete().key(`/jobs/all/${j.jobId}`);
    }
  });

  it('no service log line carries a router password', () => {
    const dir = join(stack.dataDir, 'logs');
    expect(readdirSync(dir).length).toBeGreaterThan(0);
    const offending = readdirSync(dir).filter((f) => readFileSync(join(dir, f), 'utf8').includes(PASSWORD));
    expect(offending).toEqual([]);
  });
});
