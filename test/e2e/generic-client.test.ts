/**
 * The api as a client in another language sees it (issue 19): nothing from this
 * repository but the address. Types come from server reflection; bodies go and come as
 * google.protobuf.Struct, never JSON inside a string; enums by name; errors read through
 * the standard error model (google.rpc.Status in grpc-status-details-bin, BadRequest
 * naming the field), while the esi-field trailer is still sent for older clients.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Etcd3 } from 'etcd3';
import { encodeStoredTemplate, loadRelations, loadTemplates } from '@esi/catalog';
import { startStack, type Stack } from '@esi/local-stack';
import { ReflectionClient, fromStruct, fromValue, toStruct } from '../support/reflection-client.js';
import { rejection } from '../support/rejection.js';

const SERVICE = 'esi.api.v1.ResourceService';
let stack: Stack;
let client: ReflectionClient;

beforeAll(async () => {
  stack = await startStack();
  client = new ReflectionClient(stack.apiAddr);
  // What a generic client resolves: the service, and the detail types an error may carry.
  await client.load([SERVICE, 'google.rpc.Status', 'google.rpc.BadRequest', 'google.rpc.ResourceInfo']);
}, 120_000);

afterAll(async () => {
  client?.close();
  await stack?.stop();
});

const call = (method: string, request: Record<string, unknown>) => client.unary(SERVICE, method, request);
type Resource = { resourceType: string; id: string; version: number; bodyJson: string; body: unknown; state: unknown; stateJson: string };

describe('a client with nothing but reflection', () => {
  it('finds the service, health and reflection by listing them', async () => {
    const services = await client.listServices();
    expect(services).toEqual(expect.arrayContaining([SERVICE, 'grpc.health.v1.Health']));
  });

  it('creates and gets a resource with a Struct body, and reads the body and state back as Structs', async () => {
    const body = { id: 'generic-net', name: 'from a generic client', admin_state_up: true, tenant_id: 't1', labels: ['a', 'b'], note: { nested: [1, null] } };
    const created = (await call('CreateResource', { resourceType: 'network', body: toStruct(body) })).resource as Resource;
    expect(created.version).toBe(1);
    expect(fromStruct(created.body)).toMatchObject(body);
    // The string beside it says the same, for clients of before.
    expect(JSON.parse(created.bodyJson)).toMatchObject(body);

    const deadline = Date.now() + 60_000;
    let got: Resource;
    for (;;) {
      got = (await call('GetResource', { resourceType: 'network', id: 'generic-net' })).resource as Resource;
      const state = fromStruct(got.state) as { state?: { worker_state?: string } } | undefined;
      if (state?.state?.worker_state === 'CREATE_COMPLETED') break;
      if (Date.now() > deadline) throw new Error(`network never reached CREATE_COMPLETED: ${got.stateJson}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(fromStruct(got.body)).toMatchObject(body);
    expect(fromStruct(got.state)).toEqual(JSON.parse(got.stateJson));
  }, 90_000);

  it('watches a resource: each event kind by enum name, its value as a Struct', async () => {
    await call('CreateResource', { resourceType: 'network', body: toStruct({ id: 'generic-watched', name: 'watched', tenant_id: 't1' }) });
    const stream = client.stream(SERVICE, 'WatchResources', { resourceType: 'network', id: 'generic-watched', includeCurrent: true });
    const seen: { kind: string; value: Record<string, unknown> | undefined; valueJson: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no CREATE_COMPLETED state event; saw ${JSON.stringify(seen.map((e) => e.kind))}`)), 60_000);
      stream.on('data', (e: Record<string, unknown>) => {
        const event = { kind: String(e.kind), value: fromStruct(e.value), valueJson: String(e.valueJson) };
        seen.push(event);
        const worker = (event.value?.state as { worker_state?: string } | undefined)?.worker_state;
        if (event.kind === 'WATCH_EVENT_KIND_STATE' && worker === 'CREATE_COMPLETED') {
          clearTimeout(timer);
          resolve();
        }
      });
      stream.on('error', (err: ServiceError) => {
        if (err.code !== status.CANCELLED) reject(err);
      });
    });
    stream.cancel();
    // A config event's body is an object in value, where value_json keeps the stored envelope (body as text).
    const config = seen.find((e) => e.kind === 'WATCH_EVENT_KIND_CONFIG');
    const stored = JSON.parse(config!.valueJson) as { body: string };
    expect(config?.value).toEqual({ ...stored, body: JSON.parse(stored.body) });
    expect(config?.value?.body).toMatchObject({ id: 'generic-watched', name: 'watched' });
    for (const e of seen.filter((x) => x.kind !== 'WATCH_EVENT_KIND_CONFIG')) expect(e.value, e.kind).toEqual(e.valueJson ? JSON.parse(e.valueJson) : undefined);
  }, 90_000);

  it('plans a create given as a Struct: outcome, action and param types as enums, param values as Values', async () => {
    const plan = await call('Plan', { resource: { resourceType: 'network', id: 'generic-planned', body: toStruct({ name: 'planned', tenant_id: 't1' }) } });
    expect(plan.outcome).toBe('planned');
    expect(plan.planOutcome).toBe('PLAN_OUTCOME_PLANNED');
    expect(plan.changeAction).toBe('CHANGE_ACTION_CREATE');
    const jobs = plan.jobs as { changeAction: string; action: string; params: { type: string; paramType: string; value: Record<string, unknown> | null; valueJson: string }[] }[];
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(job.changeAction).toBe(`CHANGE_ACTION_${job.action.toUpperCase()}`);
      for (const p of job.params) {
        expect(p.paramType).toBe(`PARAM_TYPE_${p.type.toUpperCase()}`);
        expect(fromValue(p.value)).toEqual(JSON.parse(p.valueJson));
      }
    }
  });

  it('reads history with event kinds as enums and events as Structs', async () => {
    const res = await call('History', { resourceType: 'network', id: 'generic-net' });
    const events = res.events as { kind: string; eventKind: string; event: unknown; eventJson: string }[];
    expect(events.map((e) => e.eventKind)).toEqual(expect.arrayContaining(['HISTORY_EVENT_KIND_CONFIG', 'HISTORY_EVENT_KIND_STATE']));
    for (const e of events) {
      expect(e.eventKind).toBe(`HISTORY_EVENT_KIND_${e.kind.toUpperCase()}`);
      expect(fromStruct(e.event)).toEqual(JSON.parse(e.eventJson));
    }
  });
});

describe('the relations table as a Struct', () => {
  it('the table the api loaded, sent again as a Struct, is no change; both forms at once are refused naming relations', async () => {
    const table = loadRelations() as unknown as Record<string, unknown>;
    const put = await call('PutRelations', { relations: toStruct(table) });
    expect(put.changed).toBe(false);
    const both = await rejection(call('PutRelations', { relations: toStruct(table), relationsJson: JSON.stringify(table) }));
    expect([both.code, both.metadata.get('esi-field')]).toEqual([status.INVALID_ARGUMENT, ['relations']]);
  });
});

describe('errors through the standard error model', () => {
  const detail = (err: ServiceError, type: string) => {
    const s = client.errorStatus(err);
    expect(s.code).toBe(err.code);
    expect(s.message).toBe(err.details);
    expect(s.details.find((d) => d.type === 'google.rpc.ErrorInfo')?.value).toMatchObject({ reason: status[err.code], domain: 'esi.api' });
    return s.details.find((d) => d.type === type)?.value;
  };

  it('INVALID_ARGUMENT carries BadRequest naming the field as the client sent it (and esi-field, for a transition)', async () => {
    const cases: [Record<string, unknown>, string][] = [
      // A required member missing from a Struct body: named under body, not bodyJson.
      [{ resourceType: 'ese_logical_port', body: toStruct({ network_id: 'n', connected_resource: 'gw_interface', type: 'L2', ese_physical_port_id: 'p' }) }, 'body.vlan_id'],
      // The same body as a JSON string: named under bodyJson, as before.
      [{ resourceType: 'ese_logical_port', bodyJson: JSON.stringify({ network_id: 'n', connected_resource: 'gw_interface', type: 'L2', ese_physical_port_id: 'p' }) }, 'body_json.vlan_id'],
      [{ resourceType: 'network', bodyJson: '{"name":"x"}', body: toStruct({ name: 'x' }) }, 'body'],
      [{ resourceType: 'no_such_type', body: toStruct({ name: 'x' }) }, 'resource_type'],
      [{ resourceType: 'network', body: toStruct({ id: 'has.dots', name: 'x' }) }, 'body.id'],
    ];
    for (const [request, field] of cases) {
      const err = await rejection(call('CreateResource', request), `CreateResource ${field}`);
      expect(err.code, err.details).toBe(status.INVALID_ARGUMENT);
      const bad = detail(err, 'google.rpc.BadRequest') as { fieldViolations: { field: string; description: string }[] } | undefined;
      expect(bad?.fieldViolations.map((v) => v.field), err.details).toEqual([field]);
      expect(bad!.fieldViolations[0]!.description.length).toBeGreaterThan(0);
      expect(err.metadata.get('esi-field')).toEqual([field]);
    }
  });

  it('NOT_FOUND and ALREADY_EXISTS carry ResourceInfo; FAILED_PRECONDITION PreconditionFailure', async () => {
    const missing = await rejection(call('GetResource', { resourceType: 'network', id: 'generic-missing' }));
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(detail(missing, 'google.rpc.ResourceInfo')).toMatchObject({ resourceType: 'network', resourceName: 'generic-missing' });

    await call('CreateResource', { resourceType: 'network', body: toStruct({ id: 'generic-dup', name: 'dup' }) });
    const dup = await rejection(call('CreateResource', { resourceType: 'network', body: toStruct({ id: 'generic-dup', name: 'again' }) }));
    expect(dup.code).toBe(status.ALREADY_EXISTS);
    expect(detail(dup, 'google.rpc.ResourceInfo')).toMatchObject({ resourceType: 'network', resourceName: 'generic-dup' });

    const stale = await rejection(call('UpdateResource', { resourceType: 'network', id: 'generic-dup', body: toStruct({ name: 'x' }), expectedVersion: 7 }));
    expect(stale.code).toBe(status.FAILED_PRECONDITION);
    const failure = detail(stale, 'google.rpc.PreconditionFailure') as { violations: { type: string; description: string }[] } | undefined;
    expect(failure?.violations[0]).toMatchObject({ type: 'VERSION', description: stale.details });
  });
});

describe('templates: one Go-compatible encoding', () => {
  it('a template sent through PutTemplate is stored in the very bytes the catalog load at start writes', async () => {
    const etcd = new Etcd3({ hosts: stack.etcdEndpoints });
    try {
      // port's template text holds ">", which Go escapes and JSON.stringify does not.
      const port = (await loadTemplates()).find((t) => t.id === 'port')!;
      expect(port.value.body).toContain('\\u003e');
      expect(await etcd.get('/config/v2.0/heat_templates/port').string()).toBe(encodeStoredTemplate(port.body, 1));

      const copy = { ...port.body, id: 'port_copy' };
      const put = await call('PutTemplate', { body: toStruct(copy as unknown as Record<string, unknown>) });
      expect(put.changed).toBe(true);
      expect(await etcd.get('/config/v2.0/heat_templates/port_copy').string()).toBe(encodeStoredTemplate(copy, 1));
      const got = (await call('GetTemplate', { id: 'port_copy' })).template as { bodyJson: string; body: unknown };
      expect(got.bodyJson).toBe((JSON.parse(encodeStoredTemplate(copy, 1)) as { body: string }).body);
      expect(fromStruct(got.body)).toEqual(copy);

      // The same body again is no change, whichever way it came.
      const again = await call('PutTemplate', { bodyJson: JSON.stringify(port.body) });
      expect(again.changed).toBe(false);
    } finally {
      etcd.close();
    }
  });
});
