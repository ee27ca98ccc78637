/**
 * The stack on nats-server and etcd started through testcontainers (the local images,
 * health-endpoint wait strategies): a change settles; nats-server's container is
 * restarted (docker restart, same host port) and the next change settles too, the
 * services having reconnected by themselves.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createResource, getResource, resourceClient, type ResourceClient } from '@esi/client';
import { startStack, type Stack } from '@esi/local-stack';
import { dockerReady } from '../support/docker-env.js';
import { startInfra, type Infra } from '../support/infra-launcher.js';
import { FAST_RECOVERY_ENV } from '../support/fault-run.js';
import { waitFor } from '../support/wait.js';

const ready = dockerReady();
let infra: Infra | undefined;
let stack: Stack | undefined;
let client: ResourceClient | undefined;

afterAll(async () => {
  client?.close();
  await stack?.stop();
  await infra?.stop();
});

async function settled(id: string): Promise<void> {
  await waitFor(`network ${id} CREATE_COMPLETED`, async () => {
    const r = (await getResource(client!, 'network', id).catch(() => undefined))?.resource;
    const state = r?.stateJson ? (JSON.parse(r.stateJson) as { state: { worker_state?: string } }).state.worker_state : undefined;
    return state === 'CREATE_COMPLETED' ? true : undefined;
  }, 90_000, 300);
}

describe.skipIf(!ready)('stack on testcontainers', () => {
  it('a change settles on containerized nats-server and etcd, and again after nats-server’s container restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esi-tc-single-'));
    const t0 = Date.now();
    infra = await startInfra(dir);
    expect(infra.launcher).toBe('containers');
    const infraMs = Date.now() - t0;
    stack = await startStack({ dataDir: dir, natsUrl: infra.natsUrl, etcdEndpoints: infra.etcdEndpoints, deviceSimulator: false, env: FAST_RECOVERY_ENV });
    client = resourceClient(stack.apiAddr);
    const first = (await createResource(client, 'network', { name: 'tc-net-1', tenant_id: 't1' })).resource!.id;
    await settled(first);

    const t1 = Date.now();
    await infra.restartNats();
    const second = await waitFor('the api accepts a change again', async () => (await createResource(client!, 'network', { name: 'tc-net-2', tenant_id: 't1' }).catch(() => undefined))?.resource?.id, 60_000, 500);
    await settled(second);
    console.log(`testcontainers single: nats and etcd healthy in ${infraMs} ms; after nats-server's container restarted, a change settled in ${Date.now() - t1} ms`);
  }, 300_000);
});
