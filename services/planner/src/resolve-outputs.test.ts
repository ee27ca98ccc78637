/**
 * Dispatch time applies the tenant rule too: a job's output_key params resolve only from
 * resources its own resource may reference. An id can change hands between planning and
 * dispatch (deleted, then created by another tenant); that tenant's stack is then, to the
 * job, no stack at all, and the job is dispatched with an error naming the param. Against
 * a real etcd.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadSchemas, pluralOf, sharedTypesOf } from '@esi/catalog';
import { configKey, events, heatStackKey, type StoredJob } from '@esi/contracts';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { Etcd3 } from 'etcd3';
import { OwnedStore } from '@esi/store';
import { OutputMissingError, resolveOutputs } from './resolve-outputs.js';
import { SeenOutputs } from './seen-outputs.js';

let etcd: RunningServer;
let store: OwnedStore;
/** Other owners' keys (/config, the stack records) are written past the ownership check. */
let raw: Etcd3;
const isShared = sharedTypesOf(loadSchemas());

async function putResource(type: string, id: string, body: Record<string, unknown>, stackId: string): Promise<void> {
  await raw.put(configKey(pluralOf(type), id)).value(JSON.stringify({ body: JSON.stringify({ id, ...body }), marked_for_deletion: false, version: 1 }));
  const stack = { stack_id: stackId, tenant_id: '', stack_status: 'CREATE_COMPLETE', output: [{ output_key: 'id', output_value: stackId }], status_reason: '', id };
  await raw.put(heatStackKey(pluralOf(type), id)).value(JSON.stringify(stack));
}

function portJob(tenant: string, refs: { type: string; id: string }[]): StoredJob {
  return {
    is_first: true,
    resource_id: 'p1',
    handler: 'heat_worker',
    job_name: 'port-p1-1',
    dependency: [],
    version: 2,
    params: [
      {
        param: 'jinja_subnets',
        type: 'list',
        value: refs.map((r) => ({ param: 'jinja_subnets', type: 'output_key', value: { output_key: 'id', resource_type: r.type, resource_id: r.id }, resources: [] })),
        resources: [],
      },
    ],
    resource_type: 'port',
    action: 'modify',
    is_last: true,
    on_failure: 'fail',
    id: 'modify:heat_worker:port:p1:2:abcde',
    resource_input: { id: 'p1', tenant_id: tenant },
  } as StoredJob;
}

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-resolve-')));
  store = new OwnedStore([etcd.url], 'planner');
  raw = new Etcd3({ hosts: etcd.url });
  await putResource('subnet', 'own-sub', { tenant_id: 'ta' }, 'stack-own');
  await putResource('subnet', 'changed-hands', { tenant_id: 'tb' }, 'stack-of-b');
  await putResource('subnet', 'no-tenant', {}, 'stack-provider');
  await putResource('ese_physical_port', 'xe0', { tenant_id: 'provider' }, 'stack-shared');
});

afterAll(async () => {
  store?.close();
  raw?.close();
  await etcd?.stop();
});

describe('resolveOutputs follows only what the job’s resource may reference', () => {
  it('resolves the outputs of its own, unowned and shared resources', async () => {
    const job = portJob('ta', [{ type: 'subnet', id: 'own-sub' }, { type: 'subnet', id: 'no-tenant' }, { type: 'ese_physical_port', id: 'xe0' }]);
    expect(await resolveOutputs(job, store, pluralOf, isShared)).toEqual({ jinja_subnets: ['stack-own', 'stack-provider', 'stack-shared'] });
  });

  it('sees another tenant’s resource of the same id as having no stack, in the words of an absent one, naming the param', async () => {
    const failure = async (id: string): Promise<string> => {
      const err = await resolveOutputs(portJob('ta', [{ type: 'subnet', id }]), store, pluralOf, isShared).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(OutputMissingError);
      return (err as Error).message.split(id).join('<id>');
    };
    const foreign = await failure('changed-hands');
    expect(foreign).toBe('parameter "jinja_subnets": output id of subnet <id>: the resource has no stack');
    expect(foreign).toBe(await failure('never-existed'));
    expect(foreign).not.toContain('stack-of-b');
  });

  it('a resource that names no tenant (written by an admin) may use any', async () => {
    expect(await resolveOutputs(portJob('', [{ type: 'subnet', id: 'changed-hands' }]), store, pluralOf, isShared)).toEqual({ jinja_subnets: ['stack-of-b'] });
  });
});

describe('resolveOutputs from the outputs heat results reported', () => {
  const heatResult = (type: string, id: string, tenant: string, outputValue: string, action = 'create', outcome = events.JobOutcome.JOB_OUTCOME_SUCCEEDED) =>
    events.JobResult.fromPartial({
      job: { id: `${action}:heat_worker:${type}:${id}:1:x`, action, handler: 'heat_worker', resourceType: type, resourceId: id, version: 1, resourceInput: { id, tenant_id: tenant } },
      outcome,
      result: { heat_outputs: [{ output_key: 'id', output_value: outputValue, description: '' }] },
    });

  it('answers from a reported stack without reading etcd', async () => {
    const seen = new SeenOutputs();
    seen.noteResult(heatResult('subnet', 'own-sub', 'ta', 'reported-own'));
    const reads = vi.spyOn(store, 'read');
    try {
      expect(await resolveOutputs(portJob('ta', [{ type: 'subnet', id: 'own-sub' }]), store, pluralOf, isShared, seen)).toEqual({ jinja_subnets: ['reported-own'] });
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
  });

  it('keeps the tenant rule: another tenant’s reported stack is not used, and etcd says the same', async () => {
    const seen = new SeenOutputs();
    seen.noteResult(heatResult('subnet', 'changed-hands', 'tb', 'reported-b'));
    const err = await resolveOutputs(portJob('ta', [{ type: 'subnet', id: 'changed-hands' }]), store, pluralOf, isShared, seen).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(OutputMissingError);
    expect((err as Error).message).not.toContain('reported-b');
  });

  it('a delete or a failure leaves etcd to answer', async () => {
    const seen = new SeenOutputs();
    seen.noteResult(heatResult('subnet', 'own-sub', 'ta', 'reported-own'));
    seen.noteResult(heatResult('subnet', 'own-sub', 'ta', 'failed', 'modify', events.JobOutcome.JOB_OUTCOME_FAILED));
    expect(seen.get('subnet', 'own-sub')).toBeUndefined();
    seen.noteResult(heatResult('subnet', 'no-tenant', '', 'gone', 'delete'));
    expect(seen.get('subnet', 'no-tenant')).toBeUndefined();
    expect(await resolveOutputs(portJob('ta', [{ type: 'subnet', id: 'own-sub' }]), store, pluralOf, isShared, seen)).toEqual({ jinja_subnets: ['stack-own'] });
  });
});
