/**
 * Events are the fast path, never the only one: with an event removed on purpose, the
 * planner's resync finishes the work. And a delete that arrives during a create ends
 * deleted with nothing left behind.
 */
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAMS, goJsonMarshal } from '@esi/contracts';
import { call, createResource, getResource, resourceClient, type ResourceClient } from '@esi/client';
import { startStack, type Stack } from '@esi/local-stack';
import { connectMessaging, type Messaging } from '@esi/messaging';
import { waitFor } from '../support/wait.js';

let stack: Stack;
let client: ResourceClient;
let etcd: Etcd3;
let nats: Messaging;

beforeAll(async () => {
  stack = await startStack({
    deviceSimulator: false,
    env: { ESI_RESYNC_INTERVAL_MS: '1000', ESI_REDISPATCH_AFTER_MS: '3000', ESI_POLL_INTERVAL_MS: '500', ESI_HEAT_SIMULATED_LATENCY_MS: '400' },
  });
  client = resourceClient(stack.apiAddr);
  etcd = new Etcd3({ hosts: stack.etcdEndpoints });
  nats = await connectMessaging([stack.natsUrl], 'fault-test');
}, 90_000);

afterAll(async () => {
  client?.close();
  etcd?.close();
  await nats?.nc.close();
  await stack?.stop();
});

const workerState = async (type: string, id: string): Promise<string | undefined> => {
  const r = (await getResource(client, type, id)).resource!;
  return r.stateJson ? (JSON.parse(r.stateJson) as { state: { worker_state: string } }).state.worker_state : undefined;
};

describe('safety net', () => {
  it('a change written to /config whose event was lost is planned by the resync', async () => {
    const id = 'lost-event-net';
    // What the api writes, without the event it would publish.
    await etcd.put(`/config/v2.0/networks/${id}`).value(JSON.stringify({ body: goJsonMarshal({ id, name: 'lost', tenant_id: 't1', status: 'PENDING_CREATE' }), marked_for_deletion: false, version: 1 }));
    expect(await waitFor('resync to plan and finish it', async () => ((await workerState('network', id)) === 'CREATE_COMPLETED' ? true : undefined), 20_000)).toBe(true);
  });

  it('a work message removed from its stream is dispatched again and the job finishes', async () => {
    await stack.services.get('heat-worker')!.process.stop('SIGTERM');
    const net = (await createResource(client, 'network', { name: 'lost-work', tenant_id: 't1' })).resource!;
    await waitFor('the heat job to be dispatched', async () => {
      const info = await nats.jsm.streams.info(STREAMS.work.name);
      return info.state.messages > 0 ? true : undefined;
    });
    await nats.jsm.streams.purge(STREAMS.work.name);
    await stack.restart('heat-worker', 'SIGTERM');
    expect(await waitFor('redispatch to finish it', async () => ((await workerState('network', net.id)) === 'CREATE_COMPLETED' ? true : undefined), 30_000)).toBe(true);
  });
});

describe('supersede', () => {
  it('a delete during a create ends deleted, with nothing left behind', async () => {
    const net = (await createResource(client, 'network', { name: 'short-lived', tenant_id: 't1' })).resource!;
    await call(client, client.deleteResource, { resourceType: 'network', id: net.id });
    await waitFor('the resource to be removed', async () => ((await etcd.get(`/config/v2.0/networks/${net.id}`).string()) === null ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    const leftovers: string[] = [];
    for (const prefix of ['/state/', '/esi-worker/', '/monitoring/', '/esi-monitoring/', '/esi-planner/workflows/', '/jobs/all/', '/esi-heat-engine/']) {
      const keys = await etcd.getAll().prefix(prefix).keys();
      leftovers.push(...keys.filter((k) => k.includes(net.id)));
    }
    expect(leftovers).toEqual([]);
  });
});
