/**
 * Bounded cost per request, on a real stack: a call reads at most
 * ESI_API_MAX_READS_PER_CALL keys from etcd (RESOURCE_EXHAUSTED past it, nothing
 * written; List ends a page early instead), a caller holds at most
 * ESI_API_MAX_WATCHES_PER_CALLER watches (RESOURCE_EXHAUSTED past it, the slot back when
 * one ends), and every JetStream stream is capped in age and bytes.
 */
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAMS } from '@esi/contracts';
import { connectMessaging, DEFAULT_STREAM_LIMITS, type Messaging } from '@esi/messaging';
import { createResource, explainResource, listResources, listTemplates, planChange, resourceClient, updateResource, watchResources, type ResourceClient, type WatchHandle } from '@esi/client';
import { freePort } from '@esi/test-servers';
import { startService, startStack, type ServiceProcess, type Stack } from '@esi/local-stack';
import { rejection } from '../support/rejection.js';

const TOKENS = { admin: 'cost-admin-token-1', a: 'cost-tenant-a-token', b: 'cost-tenant-b-token' };
const MAX_READS = 40;
const NETWORKS_OF_B = 45;

let stack: Stack;
let etcd: Etcd3;
let m: Messaging;
let tightApi: ServiceProcess | undefined;
let tightAddr: string;
const clients: ResourceClient[] = [];
const watches: WatchHandle[] = [];
let ownOfA = '';
let someOfB = '';

function client(addr: string, token?: string): ResourceClient {
  const c = resourceClient(addr, { token });
  clients.push(c);
  return c;
}

/** What a rejected call could have changed: /config and the config stream. */
async function written(): Promise<{ config: string[]; configMessages: number }> {
  const config = Object.entries(await etcd.getAll().prefix('/config/').strings()).map(([k, v]) => `${k}=${v}`).sort();
  const info = await m.jsm.streams.info(STREAMS.config.name);
  return { config, configMessages: info.state.messages };
}

beforeAll(async () => {
  stack = await startStack({
    env: {
      ESI_API_TOKENS: `${TOKENS.admin}=admin,${TOKENS.a}=tenant:tenant-a,${TOKENS.b}=tenant:tenant-b`,
      ESI_API_MAX_READS_PER_CALL: String(MAX_READS),
      ESI_API_MAX_WATCHES_PER_CALLER: '2',
      ESI_STREAM_MAX_AGE_HOURS: '48',
      ESI_STREAM_MAX_MSGS: '5000',
      ESI_STREAM_MAX_MB: '64',
    },
  });
  etcd = new Etcd3({ hosts: stack.etcdEndpoints });
  m = await connectMessaging([stack.natsUrl], 'bounded-cost-test');
  const admin = client(stack.apiAddr, TOKENS.admin);
  // More resources of another tenant than one call may read.
  for (let i = 0; i < NETWORKS_OF_B; i += 5) {
    const made = await Promise.all(
      Array.from({ length: 5 }, (_, j) => createResource(admin, 'network', { name: `b-${i + j}`, admin_state_up: true, tenant_id: 'tenant-b' })),
    );
    someOfB ||= made[0]!.resource!.id;
  }
  ownOfA = (await createResource(client(stack.apiAddr, TOKENS.a), 'network', { name: 'a-own', admin_state_up: true, tenant_id: 'tenant-a' })).resource!.id;
  // The same stack's etcd and NATS behind a second api whose budget is below what one
  // Plan or Explain of a single resource reads.
  tightAddr = `127.0.0.1:${await freePort()}`;
  tightApi = startService('api', {
    env: {
      ...process.env,
      NATS_URL: stack.natsUrl,
      ETCD_ENDPOINTS: stack.etcdEndpoints,
      ESI_API_ADDR: tightAddr,
      ESI_API_MAX_READS_PER_CALL: '3',
      ESI_API_MAX_WATCHES_PER_CALLER: '2',
      // Every service ensures the streams at start, so all must agree on their limits.
      ESI_STREAM_MAX_AGE_HOURS: '48',
      ESI_STREAM_MAX_MSGS: '5000',
      ESI_STREAM_MAX_MB: '64',
      ESI_METRICS_ADDR: '',
    },
    logDir: join(stack.dataDir, 'logs-tight-api'),
  });
  await tightApi.ready;
}, 180_000);

afterAll(async () => {
  for (const w of watches) w.cancel();
  for (const c of clients) c.close();
  await m?.nc.close();
  etcd?.close();
  await tightApi?.process.stop();
  await stack?.stop();
});

describe('reads per call', () => {
  it('a template Plan that would scan more configs than the budget gets RESOURCE_EXHAUSTED and writes nothing', async () => {
    const admin = client(stack.apiAddr, TOKENS.admin);
    const template = (await listTemplates(admin, 'heat_worker')).templates[0]!;
    const before = await written();
    const err = await rejection(planChange(admin, { template: { templateId: template.id, bodyJson: '', sampleInputJson: '' } }));
    expect(err.code, err.details).toBe(status.RESOURCE_EXHAUSTED);
    expect(err.details).toMatch(new RegExp(`more than ${MAX_READS} keys from etcd \\(ESI_API_MAX_READS_PER_CALL\\)`));
    expect(await written()).toEqual(before);
  });

  it('Plan of a resource change and Explain past the budget get RESOURCE_EXHAUSTED and write nothing', async () => {
    const tight = client(tightAddr);
    const before = await written();
    const cases: [string, () => Promise<unknown>][] = [
      ['Plan update', () => planChange(tight, { resource: { resourceType: 'network', id: someOfB, bodyJson: JSON.stringify({ name: 'renamed' }), update: true, delete: false } })],
      ['Plan delete', () => planChange(tight, { resource: { resourceType: 'network', id: someOfB, bodyJson: '', update: false, delete: true } })],
      ['Explain', () => explainResource(tight, 'network', someOfB)],
      // Two resources' state and monitoring alone are four reads.
      ['List', () => listResources(tight, 'network', { pageSize: 2 })],
    ];
    for (const [name, run] of cases) {
      const err = await rejection(run(), name);
      expect(err.code, `${name}: ${err.details}`).toBe(status.RESOURCE_EXHAUSTED);
      expect(err.details, name).toMatch(/ESI_API_MAX_READS_PER_CALL/);
    }
    expect(await written()).toEqual(before);
    // The same calls within the budget of the main api answer.
    const admin = client(stack.apiAddr, TOKENS.admin);
    expect((await explainResource(admin, 'network', someOfB)).resource?.id).toBe(someOfB);
  });

  it('List stays inside the budget: a tenant among many foreign resources gets short pages and a token, and finds its own', async () => {
    const a = client(stack.apiAddr, TOKENS.a);
    const found: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await listResources(a, 'network', { pageSize: 5, pageToken: token });
      found.push(...page.resources.map((r) => r.id));
      token = page.nextPageToken;
      pages++;
    } while (token && pages < 50);
    expect(found).toEqual([ownOfA]);
    expect(pages).toBeGreaterThan(1);
    // A page that alone needs more reads than the budget is refused, not served partly.
    const err = await rejection(listResources(a, 'network', { pageSize: 100 }));
    expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it('an update within the budget still goes through (the budget is per call, not per caller)', async () => {
    const b = client(stack.apiAddr, TOKENS.b);
    const res = await updateResource(b, 'network', someOfB, { name: 'b-renamed', admin_state_up: true, tenant_id: 'tenant-b' });
    expect(res.resource!.version).toBe(2);
  });
});

describe('watches per caller', () => {
  /** Opens a watch of one resource and resolves once the server streams its snapshot. */
  async function openWatch(c: ResourceClient, id: string): Promise<WatchHandle> {
    let seen: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (seen = resolve));
    const w = watchResources(c, { resourceType: 'network', id, includeCurrent: true }, () => seen());
    watches.push(w);
    await Promise.race([first, w.done.then(() => Promise.reject(new Error('watch ended before its snapshot')))]);
    return w;
  }

  it('refuses a caller its third watch with RESOURCE_EXHAUSTED, counts other callers apart, and frees a slot when a watch ends', async () => {
    const b = client(stack.apiAddr, TOKENS.b);
    const w1 = await openWatch(b, someOfB);
    await openWatch(b, someOfB);
    const before = await written();
    const third = watchResources(b, { resourceType: 'network', id: someOfB, includeCurrent: true }, () => undefined);
    const err = await rejection(third.done);
    expect(err.code, err.details).toBe(status.RESOURCE_EXHAUSTED);
    expect(err.details).toMatch(/ESI_API_MAX_WATCHES_PER_CALLER/);
    expect(await written()).toEqual(before);
    // Another tenant, and the admin, have slots of their own.
    await openWatch(client(stack.apiAddr, TOKENS.a), ownOfA);
    await openWatch(client(stack.apiAddr, TOKENS.admin), someOfB);
    // Ending one of b's watches gives b its slot back.
    w1.cancel();
    await w1.done;
    let reopened: WatchHandle | undefined;
    for (let i = 0; i < 50 && !reopened; i++) {
      reopened = await openWatch(b, someOfB).catch(async () => {
        await new Promise((r) => setTimeout(r, 100));
        return undefined;
      });
    }
    expect(reopened).toBeDefined();
  });

  it('in open mode counts callers by peer address (two clients on one host share a cap), and a read budget does not cut streams', async () => {
    // The tight api runs open on loopback; its read budget (3) is far below what these
    // watches read, since streams are bounded by the cap instead.
    const open1 = client(tightAddr);
    const open2 = client(tightAddr);
    await openWatch(open1, someOfB);
    await openWatch(open2, someOfB);
    const err = await rejection(watchResources(open1, { resourceType: 'network', id: someOfB, includeCurrent: true }, () => undefined).done, 'a third watch from the same host');
    expect(err.code, err.details).toBe(status.RESOURCE_EXHAUSTED);
  });
});

describe('stream retention', () => {
  it('caps every stream in age, count and bytes, discarding the oldest, as configured', async () => {
    for (const spec of Object.values(STREAMS)) {
      const { config } = await m.jsm.streams.info(spec.name);
      expect(config.max_age, spec.name).toBe(48 * 3600 * 1e9);
      expect(config.max_msgs, spec.name).toBe(5000);
      expect(config.max_bytes, spec.name).toBe(64 * 1024 * 1024);
      expect(config.discard, spec.name).toBe('old');
    }
    // The defaults the settings document are the library's.
    expect(DEFAULT_STREAM_LIMITS).toEqual({ maxAgeHours: 720, maxMessages: 1_000_000, maxMegabytes: 0 });
  });
});
