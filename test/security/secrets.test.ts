/**
 * Secrets stay secret: the edge routers' logins and passwords (fields the schemas mark
 * `secret`) reach a tenant as "***" through every answer — Get, List, Watch, Explain,
 * Plan (params resolved from the routers through the gateway interface's mappings) and
 * History (job params, inputs and results) — while an admin sees the values. A real
 * stack (nats-server, etcd, the five services) runs the example build for the tenant.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExampleBuild } from '@esi/catalog';
import {
  explainResource,
  getResource,
  listAll,
  planChange,
  resourceClient,
  resourceHistory,
  startStack,
  submitBuild,
  watchResources,
  type ResourceClient,
  type Stack,
  type SubmittedResource,
} from '@esi/local-stack';
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
const idOf = (ref: string): string => built.find((r) => r.ref === ref)!.id;

beforeAll(async () => {
  stack = await startStack({ env: { ESI_API_TOKENS: `${ADMIN_TOKEN}=admin,${TENANT_TOKEN}=tenant:${TENANT}` } });
  admin = resourceClient(stack.apiAddr, { token: ADMIN_TOKEN });
  tenant = resourceClient(stack.apiAddr, { token: TENANT_TOKEN });
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
  });

  it('no service log line carries a router password', () => {
    const dir = join(stack.dataDir, 'logs');
    expect(readdirSync(dir).length).toBeGreaterThan(0);
    const offending = readdirSync(dir).filter((f) => readFileSync(join(dir, f), 'utf8').includes(PASSWORD));
    expect(offending).toEqual([]);
  });
});
