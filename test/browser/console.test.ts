/**
 * The web console in a real browser against a real stack (nats-server, etcd, the five
 * services, the console's edge): the example build appears live and can be followed
 * to a settled state from the page; an ese_logical_port's graph shows its port's jobs
 * as dependencies and opens that port; the trace, wait chain, history and plan views
 * show the api's answers; a forced failure shows its error and is retried from the
 * page; a tenant's token sees only that tenant's resources.
 * ESI_CONSOLE_SCREENSHOTS=<dir> also saves the main views there (docs/images).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExampleBuild } from '@esi/catalog';
import { ensureWebBuild, startConsoleEdge, type ConsoleEdge } from '@esi/console';
import { createResource, getResource, resourceClient, submitBuild, updateResource, type ResourceClient, type SubmittedResource } from '@esi/client';
import { startStack, type Stack } from '@esi/local-stack';
import { startSpanReceiver, type SpanReceiver } from '@esi/trace-view';
import { waitFor } from '../support/wait.js';
import { consolePage, launchChromium } from './chromium.js';

const ADMIN = 'console-admin-token';
const TENANT_A = 'console-tenant-a-token';
const TENANT_B = 'console-tenant-b-token';

let stack: Stack;
let spans: SpanReceiver;
let edge: ConsoleEdge;
let browser: Browser;
let admin: ResourceClient;

const shots = process.env.ESI_CONSOLE_SCREENSHOTS;
const screenshot = async (page: Page, name: string): Promise<void> => {
  if (shots) await page.screenshot({ path: join(shots, `console-${name}.png`), fullPage: true });
};

let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'esi-console-'));
  // Built before the stack starts, so a broken front end fails fast.
  await ensureWebBuild();
  spans = await startSpanReceiver({ file: join(dir, 'spans.jsonl') });
  stack = await startStack({
    dataDir: dir,
    env: {
      ESI_API_TOKENS: `${ADMIN}=admin,${TENANT_A}=tenant:tenant-a,${TENANT_B}=tenant:tenant-b`,
      OTEL_EXPORTER_OTLP_ENDPOINT: spans.url,
      // Each simulated stack takes a moment, so the build can be watched while it runs.
      ESI_HEAT_SIMULATED_LATENCY_MS: '400',
      ESI_POLL_INTERVAL_MS: '500',
    },
  });
  edge = await startConsoleEdge({ apiAddr: stack.apiAddr, spanFile: spans.file });
  admin = resourceClient(stack.apiAddr, { token: ADMIN });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  admin?.close();
  await edge?.close();
  await stack?.stop();
  await spans?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Statuses a job node showed, sampled in the page until it is final. */
async function statusesUntilSettled(page: Page, selector: string, timeoutMs: number): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const s = await page.locator(selector).getAttribute('data-status', { timeout: 1_000 }).catch(() => null);
    if (s && seen[seen.length - 1] !== s) seen.push(s);
    if (s === 'succeeded' || s === 'failed') return seen;
    await page.waitForTimeout(100);
  }
  throw new Error(`${selector} did not finish; statuses seen: ${seen.join(' → ')}`);
}

describe('the console', () => {
  const built: SubmittedResource[] = [];
  const ref = (r: string): SubmittedResource => built.find((b) => b.ref === r)!;

  it('shows the example build appear and settle live, and follows it to a job graph', async () => {
    const { page, errors } = await consolePage(browser, ADMIN);
    await page.goto(`${edge.url}#/resources/ese_logical_port`);
    await page.locator('[data-live="true"]').waitFor({ timeout: 15_000 });

    // The tenant gets a fixed id so a tenant token can be given for it.
    const build = loadExampleBuild('internet-gateway').map((r) => (r.type === 'tenant' ? { ...r, body: { ...r.body, id: 'tenant-a' } } : r));
    const submitting = submitBuild(admin, build, (r) => built.push(r));
    const lp = await waitFor('the first logical port to be submitted', async () => built.find((b) => b.type === 'ese_logical_port'));

    // It appears without a reload, and its page shows its jobs moving.
    const row = page.locator(`tr[data-id="${lp.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    await screenshot(page, 'resources');
    await row.locator('a').click();
    const heatJob = `g.node.own[data-job^="create:heat_worker:ese_logical_port:${lp.id}:"]`;
    await page.locator(heatJob).waitFor({ timeout: 20_000 });
    await screenshot(page, 'graph-running');
    if (shots) {
      // The wait chain while it still waits (only when screenshots are asked for).
      await page.locator('a', { hasText: 'Why is it waiting' }).click();
      await page.locator('[data-testid="explain-summary"]').waitFor();
      await screenshot(page, 'why');
      await page.locator('a', { hasText: 'Job graph' }).click();
    }
    const seen = await statusesUntilSettled(page, heatJob, 90_000);
    expect(seen[0], `the heat job was seen before it finished (seen: ${seen.join(' → ')})`).not.toBe('succeeded');
    expect(seen[seen.length - 1]).toBe('succeeded');
    await submitting;
    await page.locator('.summary [data-state="CREATE_COMPLETED"]').waitFor({ timeout: 60_000 });

    // Its port's heat job is a dependency, drawn as another resource's job that opens that port.
    const portA = ref('gw-port-a');
    const dep = page.locator(`g.node.other[data-job^="create:heat_worker:port:${portA.id}:"]`);
    await dep.waitFor({ timeout: 10_000 });
    expect(await page.locator(`path.edge[data-from^="create:heat_worker:port:${portA.id}:"][data-to^="create:heat_worker:ese_logical_port:${lp.id}:"]`).count()).toBe(1);
    await screenshot(page, 'graph');
    await dep.click();
    await page.waitForURL(new RegExp(`#/resource/port/${portA.id}/graph$`));
    // The port, in turn, waits for its gateway interface's heat job.
    await page.locator(`g.node.other[data-job^="create:heat_worker:gw_interface:${ref('gw-if').id}:"]`).waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
  }, 180_000);

  it('shows the trace across the five services, the wait answer, history and a plan preview', async () => {
    const lp = ref('elp-xe3');
    const { page, errors } = await consolePage(browser, ADMIN);
    await page.goto(`${edge.url}#/resource/ese_logical_port/${lp.id}/trace`);
    await page.locator('.span-row').first().waitFor({ timeout: 15_000 });
    // Each service exports its spans in batches of its own, so the last service's may land
    // after the first rows show: the page is read again until all five are in (or 30 s).
    const servicesShown = async (): Promise<string[]> =>
      [...new Set(await page.locator('.span-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-service'))))].sort() as string[];
    const all = ['api', 'heat-worker', 'monitoring-worker', 'planner', 'state-aggregator'];
    await waitFor('every service in the trace', async () => {
      if ((await servicesShown()).length === all.length) return true;
      await page.reload();
      await page.locator('.span-row').first().waitFor({ timeout: 15_000 });
      return undefined;
    }, 30_000, 500).catch(() => undefined);
    expect(await servicesShown()).toEqual(all);
    await screenshot(page, 'trace');

    await page.locator('a', { hasText: 'Why is it waiting' }).click();
    await expect(page.locator('[data-testid="explain-summary"]').textContent()).resolves.toContain('is settled: CREATE_COMPLETED');

    await page.locator('a', { hasText: 'History' }).click();
    await page.locator('tr.event.job_result').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('tr.event.state').count()).toBeGreaterThan(0);

    await page.locator('a', { hasText: 'Edit & plan' }).click();
    const body = page.locator('textarea[name="body"]');
    await body.waitFor();
    // The editor shows before the resource's body has arrived to fill it.
    const text = await waitFor('the body in the editor', async () => (await body.inputValue()) || undefined, 15_000, 100);
    const edited = JSON.parse(text) as Record<string, unknown>;
    await body.fill(JSON.stringify({ ...edited, description: 'edited in the console' }, null, 2));
    await page.locator('button', { hasText: 'Preview plan' }).click();
    const plan = page.locator('.plan-answer');
    await plan.waitFor({ timeout: 10_000 });
    expect(await plan.getAttribute('data-outcome')).toBe('planned');
    expect(await page.locator('tr.planned-job').count()).toBeGreaterThan(0);
    // The preview wrote nothing.
    expect((await getResource(admin, 'ese_logical_port', lp.id)).resource!.version).toBe(1);
    await screenshot(page, 'plan');
    expect(errors).toEqual([]);
  }, 60_000);

  it('shows a failed job with its error', async () => {
    // A DHCP port runs no stack, so it has no outputs: the logical port's heat job fails at dispatch.
    const net = (await createResource(admin, 'network', { name: 'console-fail-net', tenant_id: 'tenant-a' })).resource!;
    const dhcp = (await createResource(admin, 'port', { network_id: net.id, device_owner: 'network:dhcp', tenant_id: 'tenant-a', fixed_ips: [] })).resource!;
    const pp = ref('ese-port-xe3');
    const lp = (
      await createResource(admin, 'ese_logical_port', {
        name: 'xe-0/0/3.77', type: 'L2', vlan_id: 77, network_id: net.id, ese_physical_port_id: pp.id, port_ids: [dhcp.id], connected_resource: 'gw_interface', tenant_id: 'tenant-a',
      })
    ).resource!;
    const { page, errors } = await consolePage(browser, ADMIN);
    await page.goto(`${edge.url}#/resource/ese_logical_port/${lp.id}/graph`);
    await page.locator('.summary [data-state="CREATE_FAILED"]').waitFor({ timeout: 60_000 });
    const failed = page.locator(`g.node.own[data-status="failed"][data-job^="create:heat_worker:ese_logical_port:${lp.id}:"]`);
    await failed.waitFor({ timeout: 10_000 });
    await expect(page.locator('.failures').textContent()).resolves.toContain(`output id of port ${dhcp.id}`);
    await expect(failed.textContent()).resolves.toContain('failed');
    expect(await page.locator('button.retry').count(), 'a failed resource offers a retry').toBe(1);
    await screenshot(page, 'failed');
    expect(errors).toEqual([]);
  }, 90_000);

  it('shows a workflow that failed with its error, and retries it from the page once the cause is fixed', async () => {
    // A device without a management address: its port's monitoring template cannot be rendered.
    const dev = (await createResource(admin, 'ese_device', { name: 'console-dev', hostname: 'console-dev', existing: 'existing', tenant_id: 'tenant-a' })).resource!;
    const port = (await createResource(admin, 'ese_physical_port', { name: 'xe-0/0/7', ese_device_id: dev.id, existing: 'new', tenant_id: 'tenant-a' })).resource!;
    const { page, errors } = await consolePage(browser, ADMIN);
    await page.goto(`${edge.url}#/resource/ese_physical_port/${port.id}/graph`);
    await page.locator('.summary [data-state="CREATE_FAILED"]').waitFor({ timeout: 60_000 });
    await expect(page.locator('[data-testid="state-error"]').textContent()).resolves.toContain('management_ip_address');
    await expect(page.locator('[data-testid="planning-error"]').textContent()).resolves.toContain('management_ip_address');

    // Fix the cause, then retry from the page: the same version runs again and completes.
    await updateResource(admin, 'ese_device', dev.id, { management_ip_address: '127.0.0.1' });
    await waitFor('the device at version 2', async () => {
      const s = (await getResource(admin, 'ese_device', dev.id)).resource!.stateJson;
      return s && (JSON.parse(s) as { version: number }).version >= 2 ? true : undefined;
    });
    await page.locator('button.retry').click();
    await page.locator('.summary [data-state="CREATE_COMPLETED"]').waitFor({ timeout: 60_000 });
    await page.locator('g.node.own[data-status="succeeded"]').first().waitFor({ timeout: 10_000 });
    expect((await getResource(admin, 'ese_physical_port', port.id)).resource!.version).toBe(1);
    expect(errors).toEqual([]);
  }, 120_000);

  it("shows a tenant's token only its own resources, in lists, live updates and pages", async () => {
    const theirs = (await createResource(admin, 'network', { name: 'tenant-b-net', tenant_id: 'tenant-b' })).resource!;
    const { page, errors } = await consolePage(browser, TENANT_A);
    await page.goto(`${edge.url}#/resources/network`);
    await page.locator('[data-live="true"]').waitFor({ timeout: 15_000 });
    // The example build's network is tenant-a's.
    await page.locator(`tr[data-id="${ref('network').id}"]`).waitFor({ timeout: 10_000 });
    // Created while the page is open: tenant-a's appears, tenant-b's never does.
    const laterTheirs = (await createResource(admin, 'network', { name: 'tenant-b-net-2', tenant_id: 'tenant-b' })).resource!;
    const mine = (await createResource(admin, 'network', { name: 'tenant-a-net-2', tenant_id: 'tenant-a' })).resource!;
    await page.locator(`tr[data-id="${mine.id}"]`).waitFor({ timeout: 15_000 });
    const ids = await page.locator('tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(ids).not.toContain(theirs.id);
    expect(ids).not.toContain(laterTheirs.id);
    const tenants = await page.locator('tr[data-id] td:nth-child(3)').allTextContents();
    expect(new Set(tenants)).toEqual(new Set(['tenant-a']));

    // Another tenant's resource is reported exactly like a missing one, and its trace is not served.
    await page.goto(`${edge.url}#/resource/network/${theirs.id}/graph`);
    await expect(page.locator('.error').first().textContent()).resolves.toContain('NOT_FOUND');
    const trace = await page.evaluate(async (url) => (await fetch(url, { headers: { authorization: `Bearer ${'console-tenant-a-token'}` } })).status, `${edge.url}api/resources/network/${theirs.id}/trace`);
    expect(trace).toBe(404);
    // Without a token the api refuses the call, and so does the edge.
    const anonymous = await page.evaluate(async (url) => (await fetch(url)).status, `${edge.url}api/resources/network`);
    expect(anonymous).toBe(401);
    expect(errors).toEqual([]);
  }, 60_000);
});
