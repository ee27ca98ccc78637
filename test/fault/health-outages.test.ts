/**
 * Health that tells the truth: the api's GET /healthz and its gRPC health service answer
 * NOT_SERVING while nats-server or etcd is gone and SERVING again once it is back, and
 * the api logs each change with the connection events behind it. Real nats-server and
 * etcd, stopped with SIGKILL and started again in place (same port, same data).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEtcd, startNats, type RunningServer } from '@esi/test-servers';
import { startService, type ServiceProcess } from '@esi/local-stack';
import { waitFor } from '../support/wait.js';

/**
 * grpc.health.v1.Health/Check by hand: the request is one string field (service = 1),
 * the answer one enum field (status = 1), so no proto loading is needed.
 */
const STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
function healthCheck(client: Client, service: string): Promise<string> {
  const name = Buffer.from(service);
  const request = name.length ? Buffer.concat([Buffer.from([0x0a, name.length]), name]) : Buffer.alloc(0);
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (b: Buffer) => b,
      (b: Buffer) => (b.length >= 2 && b[0] === 0x08 ? STATUS_NAMES[b[1]!] ?? String(b[1]) : 'UNKNOWN'),
      request,
      new Metadata(),
      { deadline: Date.now() + 2_000 },
      (err, status) => (err ? reject(err) : resolve(status!)),
    ),
  );
}

let dir: string;
let nats: RunningServer;
let etcd: RunningServer;
let api: ServiceProcess;
let grpcHealth: Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'esi-health-'));
  nats = await startNats(dir);
  etcd = await startEtcd(dir);
  const addr = `127.0.0.1:${await freePort()}`;
  api = startService('api', {
    env: {
      ...process.env,
      NATS_URL: nats.url,
      ETCD_ENDPOINTS: etcd.url,
      ESI_API_ADDR: addr,
      ESI_METRICS_ADDR: '127.0.0.1:0',
      // Probe etcd often, so the test need not wait long for each flip.
      ESI_HEALTH_PROBE_MS: '300',
      LOG_LEVEL: 'info',
    },
    logDir: join(dir, 'logs'),
  });
  await api.ready;
  grpcHealth = new Client(addr, credentials.createInsecure());
}, 90_000);

afterAll(async () => {
  grpcHealth?.close();
  await api?.process.stop();
  await etcd?.stop();
  await nats?.stop();
});

interface Seen {
  healthz: number;
  body: string;
  grpc: string;
  grpcService: string;
}

async function seen(): Promise<Seen> {
  const res = await fetch(api.metricsUrl!.replace('/metrics', '/healthz'));
  return {
    healthz: res.status,
    body: (await res.text()).trim(),
    grpc: await healthCheck(grpcHealth, ''),
    grpcService: await healthCheck(grpcHealth, 'esi.api.v1.ResourceService'),
  };
}

const serving = (s: Seen): boolean => s.healthz === 200 && s.grpc === 'SERVING' && s.grpcService === 'SERVING';
const notServing = (s: Seen): boolean => s.healthz === 503 && s.grpc === 'NOT_SERVING' && s.grpcService === 'NOT_SERVING';

async function dependencyUp(dep: string): Promise<number> {
  const text = await (await fetch(api.metricsUrl!)).text();
  const m = new RegExp(`^esi_dependency_up\\{dependency="${dep}",service="api"\\} (\\d)$`, 'm').exec(text);
  return Number(m?.[1] ?? NaN);
}

function logLines(): { msg: string; reason?: string }[] {
  return readFileSync(join(dir, 'logs', 'api.log'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; reason?: string });
}

describe('health across infrastructure restarts', () => {
  it('starts SERVING with both servers up', async () => {
    expect(api.metricsUrl).toBeDefined();
    expect(serving(await seen())).toBe(true);
    expect(await dependencyUp('nats')).toBe(1);
    expect(await dependencyUp('etcd')).toBe(1);
  });

  it('NATS gone: NOT_SERVING with the reason; back: SERVING', async () => {
    await nats.process.stop('SIGKILL');
    const down = await waitFor('NOT_SERVING without NATS', async () => {
      const s = await seen();
      return notServing(s) ? s : undefined;
    }, 15_000);
    expect(down.body).toBe('nats: disconnected');
    expect(await dependencyUp('nats')).toBe(0);
    await nats.restart!();
    await waitFor('SERVING with NATS back', async () => (serving(await seen()) ? true : undefined), 30_000);
    expect(await dependencyUp('nats')).toBe(1);
  }, 60_000);

  it('etcd gone: NOT_SERVING with the reason; back: SERVING', async () => {
    await etcd.process.stop('SIGKILL');
    const down = await waitFor('NOT_SERVING without etcd', async () => {
      const s = await seen();
      return notServing(s) ? s : undefined;
    }, 15_000);
    expect(down.body).toBe('etcd: unreachable');
    expect(await dependencyUp('etcd')).toBe(0);
    await etcd.restart!();
    await waitFor('SERVING with etcd back', async () => (serving(await seen()) ? true : undefined), 30_000);
    expect(await dependencyUp('etcd')).toBe(1);
  }, 60_000);

  it('logged each connection event and each health change, in order', async () => {
    const wanted = ['health: SERVING', 'nats disconnected', 'nats reconnected', 'etcd unreachable', 'etcd reachable again'];
    const msgs = (): string[] =>
      logLines()
        .map((l) => l.msg)
        .filter((m) => wanted.includes(m) || m === 'health: NOT_SERVING');
    // Lines reach the log in batches (at most 100 ms after they were written).
    await expect.poll(msgs, { timeout: 5_000 }).toEqual([
      'health: SERVING',
      'nats disconnected',
      'health: NOT_SERVING',
      'nats reconnected',
      'health: SERVING',
      'etcd unreachable',
      'health: NOT_SERVING',
      'etcd reachable again',
      'health: SERVING',
    ]);
    const reasons = logLines().filter((l) => l.msg === 'health: NOT_SERVING').map((l) => l.reason);
    expect(reasons).toEqual(['nats: disconnected', 'etcd: unreachable']);
  });
});
