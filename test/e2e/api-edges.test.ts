/**
 * Bad input gets INVALID_ARGUMENT naming the field, nothing is written, and the stack
 * keeps serving; domain errors map to their gRPC codes; every service stops cleanly on
 * SIGTERM.
 */
import { status } from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '@esi/contracts';
import { call, createResource, getResource, resourceClient, updateResource, type ResourceClient } from '@esi/client';
import { startStack, type Stack } from '@esi/local-stack';
import { readFileSync } from 'node:fs';
import { waitFor } from '../support/wait.js';
import { rejection } from '../support/rejection.js';

let stack: Stack;
let client: ResourceClient;
let etcd: Etcd3;

beforeAll(async () => {
  stack = await startStack();
  client = resourceClient(stack.apiAddr);
  etcd = new Etcd3({ hosts: stack.etcdEndpoints });
}, 90_000);

afterAll(async () => {
  client?.close();
  etcd?.close();
  await stack?.stop();
});

const configKeys = async (): Promise<string[]> =>
  (await etcd.getAll().prefix('/config/v2.0/').keys()).filter((k) => !k.startsWith('/config/v2.0/heat_templates/'));

describe('bad input', () => {
  it('gets INVALID_ARGUMENT naming the field, and nothing is written', async () => {
    const before = await configKeys();
    const cases: [Promise<unknown>, string][] = [
      [call(client, client.createResource, { resourceType: 'network', bodyJson: '{"name": ' }), 'body_json'],
      [call(client, client.createResource, { resourceType: 'network', bodyJson: '[1,2]' }), 'body_json'],
      [call(client, client.createResource, { resourceType: 'network', bodyJson: '' }), 'body_json'],
      [createResource(client, 'no_such_type', { name: 'x' }), 'resource_type'],
      [createResource(client, '', { name: 'x' }), 'resource_type'],
      [createResource(client, 'ese_logical_port', { network_id: 'n', connected_resource: 'gw_interface', type: 'L2', ese_physical_port_id: 'p' }), 'body_json.vlan_id'],
      [createResource(client, 'network', { id: 'has.dots', name: 'x' }), 'body_json.id'],
      [createResource(client, 'network', { id: 42, name: 'x' }), 'body_json.id'],
      [getResource(client, 'network', '../etc'), 'id'],
    ];
    for (const [p, field] of cases) {
      const err = await rejection(p);
      expect(err.code, err.details).toBe(status.INVALID_ARGUMENT);
      expect(err.details.startsWith(`${field}:`), err.details).toBe(true);
      expect(err.metadata.get('esi-field')).toEqual([field]);
    }
    expect(await configKeys()).toEqual(before);
  });

  it('keeps serving: a valid change after the bad ones settles', async () => {
    const res = await createResource(client, 'network', { name: 'after-bad-input', admin_state_up: true, tenant_id: 't1' });
    const id = res.resource!.id;
    const state = await waitFor('network state', async () => {
      const r = (await getResource(client, 'network', id)).resource!;
      return r.stateJson ? (JSON.parse(r.stateJson) as { state: { worker_state: string } }) : undefined;
    });
    expect(state.state.worker_state).toBe('CREATE_COMPLETED');
  });
});

describe('domain errors', () => {
  it('map to NOT_FOUND, ALREADY_EXISTS and FAILED_PRECONDITION', async () => {
    expect((await rejection(getResource(client, 'network', 'missing-id'))).code).toBe(status.NOT_FOUND);
    const created = await createResource(client, 'network', { id: 'dup-net', name: 'dup' });
    expect(created.resource!.version).toBe(1);
    expect((await rejection(createResource(client, 'network', { id: 'dup-net', name: 'again' }))).code).toBe(status.ALREADY_EXISTS);
    expect((await rejection(updateResource(client, 'network', 'dup-net', { name: 'x' }, 7))).code).toBe(status.FAILED_PRECONDITION);
    const updated = await updateResource(client, 'network', 'dup-net', { name: 'renamed' }, 1);
    expect(updated.resource!.version).toBe(2);
    expect(JSON.parse(updated.resource!.bodyJson).name).toBe('renamed');
  });
});

describe('graceful shutdown', () => {
  it('every service exits 0 on SIGTERM after draining', async () => {
    for (const name of SERVICE_NAMES) {
      const svc = stack.services.get(name)!;
      const code = await svc.process.stop('SIGTERM', 20_000);
      expect(code, name).toBe(0);
      expect(readFileSync(svc.process.logFile, 'utf8')).toContain('"msg":"stopped"');
    }
  });
});
