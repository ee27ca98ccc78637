/**
 * The api's conventions against real nats-server and etcd, with api processes started
 * the way the stack starts them: the standard health service and reflection, TLS by
 * configuration, tenants from bearer tokens (and the open default without tokens), and
 * deadlines — a stream ends at its deadline, and an operation whose deadline passed
 * writes nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { credentials, loadPackageDefinition, status, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configKey } from '@esi/contracts';
import { loadResourceTypes, loadSchemas } from '@esi/catalog';
import { createResource, deleteResource, explainResource, getResource, listResources, listTemplates, putTemplate, resourceClient, resourceHistory, updateResource, watchResources, type ResourceClient } from '@esi/client';
import { freePort, startEtcd, startNats, type RunningServer } from '@esi/test-servers';
import { startService, type ServiceProcess } from '@esi/local-stack';
import { connectMessaging, ensureStreams, Publisher } from '@esi/messaging';
import { OwnedStore } from '@esi/store';
import { createLogger } from '@esi/telemetry';
import { callContext } from './call-context.js';
import { ADMIN } from './caller.js';
import { DeadlineExceededError } from './errors.js';
import { Resources } from './resources.js';
import { TypeRegistry } from './type-rules.js';

const TOKENS = 'admin-token-xyz=admin,acme-token-xyz=tenant:acme,beta-token-xyz=tenant:beta';

let dir: string;
let nats: RunningServer;
let etcd: RunningServer;
const apis: ServiceProcess[] = [];
let openAddr: string;
let tokenAddr: string;
let tlsAddr: string;
const clients: ResourceClient[] = [];

async function startApi(env: Record<string, string>): Promise<string> {
  const addr = `127.0.0.1:${await freePort()}`;
  const svc = startService('api', {
    env: { ...process.env, NATS_URL: nats.url, ETCD_ENDPOINTS: etcd.url, ESI_API_ADDR: addr, ...env },
    logDir: join(dir, `logs-${apis.length}`),
  });
  apis.push(svc);
  await svc.ready;
  return addr;
}

function client(addr: string, token?: string, tls?: { ca: Buffer }): ResourceClient {
  const c = resourceClient(addr, { token, tls: tls ? { ca: tls.ca, serverName: 'localhost' } : false });
  clients.push(c);
  return c;
}

async function rejection(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'esi-api-conventions-'));
  nats = await startNats(dir);
  etcd = await startEtcd(dir);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  [openAddr, tokenAddr, tlsAddr] = await Promise.all([
    startApi({}),
    startApi({ ESI_API_TOKENS: TOKENS }),
    startApi({ ESI_API_TLS_CERT: join(dir, 'cert.pem'), ESI_API_TLS_KEY: join(dir, 'key.pem') }),
  ]);
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(apis.map((a) => a.process.stop()));
  await etcd?.stop();
  await nats?.stop();
});

describe('standard services', () => {
  const health = (addr: string) => {
    const pkg = loadPackageDefinition(loadSync(healthProtoPath, { enums: String })) as unknown as { grpc: { health: { v1: { Health: new (a: string, c: unknown) => { check(req: object, cb: (e: ServiceError | null, r: { status: string }) => void): void; close(): void } } } } };
    return new pkg.grpc.health.v1.Health(addr, credentials.createInsecure());
  };

  it('answers the health check, without a token even where tokens are required', async () => {
    for (const addr of [openAddr, tokenAddr]) {
      const h = health(addr);
      const check = (service: string) => new Promise<{ status: string }>((resolve, reject) => h.check({ service }, (e, r) => (e ? reject(e) : resolve(r))));
      expect((await check('')).status).toBe('SERVING');
      expect((await check('esi.api.v1.ResourceService')).status).toBe('SERVING');
      expect((await rejection(check('no.such.Service'))).code).toBe(status.NOT_FOUND);
      h.close();
    }
  });

  it('describes itself through server reflection', async () => {
    const reflectionProto = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '..', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');
    const pkg = loadPackageDefinition(loadSync(reflectionProto)) as unknown as {
      grpc: { reflection: { v1: { ServerReflection: new (a: string, c: unknown) => { serverReflectionInfo(): NodeJS.EventEmitter & { write(m: object): void; end(): void }; close(): void } } } };
    };
    const r = new pkg.grpc.reflection.v1.ServerReflection(tokenAddr, credentials.createInsecure());
    const stream = r.serverReflectionInfo();
    const answers: Record<string, unknown>[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (m: Record<string, unknown>) => {
        answers.push(m);
        if (answers.length === 2) stream.end();
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    stream.write({ listServices: '' });
    stream.write({ fileContainingSymbol: 'esi.api.v1.ResourceService' });
    await done;
    r.close();
    const names = (answers[0]!.listServicesResponse as { service: { name: string }[] }).service.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['esi.api.v1.ResourceService', 'grpc.health.v1.Health']));
    const files = (answers[1]!.fileDescriptorResponse as { fileDescriptorProto: Buffer[] }).fileDescriptorProto;
    expect(files.length).toBeGreaterThan(0);
    expect(Buffer.concat(files).toString('latin1')).toContain('WatchResources');
  });
});

describe('TLS by configuration', () => {
  it('serves over TLS when a certificate is configured, and refuses plaintext', async () => {
    const ca = readFileSync(join(dir, 'cert.pem'));
    const secure = client(tlsAddr, undefined, { ca });
    expect((await rejection(getResource(secure, 'network', 'nothing-here'))).code).toBe(status.NOT_FOUND);
    const created = await createResource(secure, 'network', { id: 'tls-net', name: 'over tls' });
    expect(created.resource!.id).toBe('tls-net');
    const plain = client(tlsAddr);
    expect((await rejection(getResource(plain, 'network', 'tls-net', { timeoutMs: 3_000 }))).code).toBe(status.UNAVAILABLE);
  });
});

describe('tenants', () => {
  it('without tokens configured, anyone is admin', async () => {
    const anon = client(openAddr);
    await createResource(anon, 'network', { id: 'open-net', name: 'open', tenant_id: 'whoever' });
    expect((await getResource(anon, 'network', 'open-net')).resource!.id).toBe('open-net');
  });

  it('with tokens, a call needs a known token', async () => {
    expect((await rejection(getResource(client(tokenAddr), 'network', 'open-net'))).code).toBe(status.UNAUTHENTICATED);
    expect((await rejection(getResource(client(tokenAddr, 'not-a-real-token'), 'network', 'open-net'))).code).toBe(status.UNAUTHENTICATED);
  });

  it('a tenant sees and changes only its own resources; an admin sees all', async () => {
    const acme = client(tokenAddr, 'acme-token-xyz');
    const beta = client(tokenAddr, 'beta-token-xyz');
    const admin = client(tokenAddr, 'admin-token-xyz');
    const mine = (await createResource(acme, 'network', { id: 'acme-net', name: 'acme' })).resource!;
    expect(JSON.parse(mine.bodyJson).tenant_id).toBe('acme');
    await createResource(beta, 'network', { id: 'beta-net', name: 'beta' });

    for (const attempt of [
      () => getResource(beta, 'network', 'acme-net'),
      () => updateResource(beta, 'network', 'acme-net', { name: 'taken' }),
      () => deleteResource(beta, 'network', 'acme-net'),
      () => explainResource(beta, 'network', 'acme-net'),
      () => resourceHistory(beta, 'network', 'acme-net'),
    ]) expect((await rejection(attempt())).code).toBe(status.NOT_FOUND);
    expect((await rejection(watchResources(beta, { resourceType: 'network', id: 'acme-net' }, () => undefined).done)).code).toBe(status.NOT_FOUND);

    expect((await rejection(createResource(beta, 'network', { id: 'spoof', name: 'x', tenant_id: 'acme' }))).code).toBe(status.PERMISSION_DENIED);
    expect((await rejection(createResource(beta, 'tenant', { id: 'beta2' }))).code).toBe(status.PERMISSION_DENIED);
    const subnet = { network_id: 'acme-net', cidr: '10.0.0.0/24' };
    const ref = await rejection(createResource(beta, 'subnet', subnet));
    expect([ref.code, ref.metadata.get('esi-field')[0]]).toEqual([status.INVALID_ARGUMENT, 'body_json.network_id']);
    expect((await rejection(updateResource(acme, 'network', 'acme-net', { tenant_id: 'beta' }))).code).toBe(status.INVALID_ARGUMENT);

    const ids = async (c: ResourceClient, tenantId = ''): Promise<string[]> => (await listResources(c, 'network', { tenantId })).resources.map((r) => r.id).sort();
    expect(await ids(beta)).toEqual(['beta-net']);
    expect(await ids(acme)).toEqual(['acme-net']);
    expect((await rejection(listResources(beta, 'network', { tenantId: 'acme' }))).code).toBe(status.PERMISSION_DENIED);
    expect(await ids(admin)).toEqual(expect.arrayContaining(['acme-net', 'beta-net', 'open-net']));
    expect(await ids(admin, 'acme')).toEqual(['acme-net']);
    expect((await getResource(admin, 'network', 'acme-net')).resource!.id).toBe('acme-net');

    expect((await rejection(putTemplate(acme, { id: 'x' }))).code).toBe(status.PERMISSION_DENIED);
    expect((await listTemplates(acme)).templates.length).toBeGreaterThan(0);
  });

  it("a tenant's watch of a type carries only its own resources", async () => {
    const acme = client(tokenAddr, 'acme-token-xyz');
    const beta = client(tokenAddr, 'beta-token-xyz');
    const seen: string[] = [];
    const w = watchResources(beta, { resourceType: 'network' }, (e) => seen.push(e.id));
    try {
      await w.ready;
      await createResource(acme, 'network', { id: 'acme-net-2', name: 'a' });
      await createResource(beta, 'network', { id: 'beta-net-2', name: 'b' });
      // acme's change came first: once beta's is seen, acme's would have been too.
      await vi.waitFor(() => expect(seen).toContain('beta-net-2'), { timeout: 30_000, interval: 50 });
      expect(seen).toEqual(['beta-net-2']);
    } finally {
      w.cancel();
    }
  });
});

describe('deadlines', () => {
  it('a watch ends with DEADLINE_EXCEEDED at its deadline', async () => {
    const c = client(openAddr);
    const started = Date.now();
    const err = await rejection(watchResources(c, { resourceType: 'network' }, () => undefined, { timeoutMs: 500 }).done);
    expect(err.code).toBe(status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(3_000);
    // The server is still serving.
    expect((await getResource(c, 'network', 'open-net')).resource!.id).toBe('open-net');
  });

  it('an operation whose deadline has passed writes nothing', async () => {
    const store = new OwnedStore([etcd.url], 'api');
    const messaging = await connectMessaging([nats.url], 'api');
    try {
      await ensureStreams(messaging.jsm, '');
      const tracer = trace.getTracer('test');
      const resources = new Resources(store, new Publisher(messaging.js, 'api', tracer, ''), new TypeRegistry(loadResourceTypes(), loadSchemas()), createLogger('api', 'silent'));
      const expired = callContext(ADMIN, Date.now() - 1);
      await expect(resources.create(expired, 'network', JSON.stringify({ id: 'too-late', name: 'x' }))).rejects.toBeInstanceOf(DeadlineExceededError);
      expired.dispose();
      expect(await store.getString(configKey('networks', 'too-late'))).toBeUndefined();
      const live = callContext(ADMIN, Date.now() + 10_000);
      await resources.create(live, 'network', JSON.stringify({ id: 'in-time', name: 'x' }));
      live.dispose();
      expect(await store.getString(configKey('networks', 'in-time'))).toBeDefined();
    } finally {
      store.close();
      await messaging.nc.close();
    }
  });
});
