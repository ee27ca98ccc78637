import { describe, expect, it } from 'vitest';
import { UNKNOWN_ERRORS_ARE_RETRYABLE } from '@esi/errors';
import { StackEngine, STATUS_REASONS } from './engine.js';
import {
  InvalidStackRequestError,
  ParameterError,
  ProviderError,
  ReplacementRequired,
  StackConflictError,
  StackNotFoundError,
  StackStoreError,
  TemplateError,
} from './errors.js';
import { InMemoryStackStore, type StackStore, type StoredStack } from './store.js';
import type { ResourceProvider } from './providers/types.js';
import { recordingProvider, type Call } from './test-support.js';

const NET_TEMPLATE = `heat_template_version: 2013-05-23
parameters:
  name: { type: string }
  vlan: { type: number, default: 0 }
resources:
  port:
    type: T::Port
    properties:
      network: { get_resource: net }
      subnet_fq: { get_attr: [subnet, fq, 1] }
  net:
    type: T::Net
    properties: { name: { get_param: name } }
  subnet:
    type: T::Subnet
    depends_on: net
    properties:
      fq: [domain, { get_param: name }]
      vlan: { get_param: vlan }
outputs:
  port_id:
    description: The port
    value: { get_resource: port }
  deep:
    value: { get_attr: [net, nested, deep, 1] }
  broken:
    description: Not there
    value: { get_attr: [net, no_such_attribute] }
`;

function setup(behaviour: Parameters<typeof recordingProvider>[2] = {}, store: StackStore = new InMemoryStackStore()) {
  const calls: Call[] = [];
  const providers = ['T::Net', 'T::Subnet', 'T::Port', 'T::Other'].map((t) => recordingProvider(t, calls, behaviour));
  const engine = new StackEngine({ store, providers });
  return { engine, calls, store };
}

const request = (over: Partial<{ template: string; params: Record<string, unknown>; timeoutMins: number }> = {}) => ({
  name: 'net_1',
  template: NET_TEMPLATE,
  params: { name: 'blue' },
  ...over,
});

describe('createStack', () => {
  it('creates resources in dependency order and evaluates outputs', async () => {
    const { engine, calls, store } = setup();
    const stack = await engine.createStack(request());
    expect(stack.status).toBe('CREATE_COMPLETE');
    expect(stack.reason).toBe('Stack CREATE completed successfully');
    expect(calls.map((c) => c.resource)).toEqual(['net', 'subnet', 'port']);
    expect(calls[2]?.properties).toEqual({ network: 'net-1', subnet_fq: 'blue' });
    expect(stack.resources.map((r) => [r.name, r.status])).toEqual([
      ['port', 'CREATE_COMPLETE'],
      ['net', 'CREATE_COMPLETE'],
      ['subnet', 'CREATE_COMPLETE'],
    ]);
    expect(stack.outputs).toEqual([
      { output_value: 'port-1', description: 'The port', output_key: 'port_id' },
      { output_value: 20, description: 'No description given', output_key: 'deep' },
      {
        output_value: null,
        output_error: 'The Referenced Attribute (net no_such_attribute) is incorrect.',
        description: 'Not there',
        output_key: 'broken',
      },
    ]);
    expect(Object.keys(stack.outputs[2]!)).toEqual(['output_value', 'output_error', 'description', 'output_key']);
    expect(await store.get('net_1')).toEqual(stack);
    expect(await engine.getStack('net_1')).toEqual(stack);
    expect(stack.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(stack.timeoutMins).toBe(60);
  });

  it('starts independent resources together, and dependents only after them', async () => {
    let running = 0;
    const log: string[] = [];
    const tracking: ResourceProvider = {
      type: 'T::Other',
      async create(_props, ctx) {
        running += 1;
        log.push(`start ${ctx.resourceName} (${running} running)`);
        await new Promise((r) => setTimeout(r, 10));
        running -= 1;
        return { physicalId: ctx.resourceName, attributes: {} };
      },
    };
    const engine = new StackEngine({ store: new InMemoryStackStore(), providers: [tracking] });
    const template = `heat_template_version: 2015-04-30
resources:
  a: { type: T::Other }
  b: { type: T::Other }
  c: { type: T::Other, depends_on: [a, b] }
`;
    const stack = await engine.createStack({ name: 'par', template });
    expect(stack.status).toBe('CREATE_COMPLETE');
    expect(log).toEqual(['start a (1 running)', 'start b (2 running)', 'start c (1 running)']);
  });

  it('is idempotent: an existing CREATE_COMPLETE stack is returned without touching resources', async () => {
    const { engine, calls } = setup();
    const first = await engine.createStack(request());
    const again = await engine.createStack(request({ params: { name: 'ignored' } }));
    expect(again).toEqual(first);
    expect(calls).toHaveLength(3);
  });

  it('runs concurrent creates of one stack one after the other, creating once', async () => {
    const { engine, calls } = setup({ delayMs: 5 });
    const [a, b] = await Promise.all([engine.createStack(request()), engine.createStack(request())]);
    expect(a.status).toBe('CREATE_COMPLETE');
    expect(b).toEqual(a);
    expect(calls).toHaveLength(3);
  });

  it('records a failing resource as CREATE_FAILED naming it and the cause, and creates nothing after it', async () => {
    const { engine, calls, store } = setup({
      failOn: (op, r) => (op === 'create' && r === 'subnet' ? new ProviderError('quota exceeded', { retryable: true }) : undefined),
    });
    const stack = await engine.createStack(request());
    expect(stack.status).toBe('CREATE_FAILED');
    expect(stack.reason).toBe('Resource CREATE failed: ProviderError: resources.subnet: quota exceeded');
    expect(stack.failure).toEqual({ resource: 'subnet', error: 'quota exceeded', retryable: true });
    expect(stack.outputs).toEqual([]);
    expect(calls.map((c) => c.resource)).toEqual(['net', 'subnet']);
    expect(stack.resources.find((r) => r.name === 'subnet')).toMatchObject({ status: 'CREATE_FAILED', physicalId: '', reason: 'quota exceeded' });
    expect((await store.get('net_1'))?.status).toBe('CREATE_FAILED');
  });

  it('records a plain Error from a provider under the project-wide default (@esi/errors), and a declared one as declared', async () => {
    const { engine } = setup({ failOn: (op, r) => (r === 'net' ? new Error('boom') : undefined) });
    const stack = await engine.createStack(request());
    expect(stack.reason).toBe('Resource CREATE failed: Error: resources.net: boom');
    expect(stack.failure?.retryable).toBe(UNKNOWN_ERRORS_ARE_RETRYABLE);
    const declared = setup({ failOn: (op, r) => (r === 'net' ? new ProviderError('quota', { retryable: false }) : undefined) });
    expect((await declared.engine.createStack(request())).failure?.retryable).toBe(false);
  });

  it('starts a failed create over: leftovers are deleted, then everything is created again', async () => {
    let failing = true;
    const { engine, calls } = setup({
      failOn: (op, r) => (failing && op === 'create' && r === 'port' ? new ProviderError('device busy') : undefined),
    });
    const failed = await engine.createStack(request());
    expect(failed.status).toBe('CREATE_FAILED');
    failing = false;
    calls.length = 0;
    const stack = await engine.createStack(request());
    expect(stack.status).toBe('CREATE_COMPLETE');
    expect(stack.id).toBe(failed.id);
    expect(calls.map((c) => `${c.op}:${c.resource}`)).toEqual([
      'delete:subnet',
      'delete:net',
      'create:net',
      'create:subnet',
      'create:port',
    ]);
  });

  it('fails with a "timed out" reason when a provider is slower than timeoutMins', async () => {
    const signals: AbortSignal[] = [];
    const { engine } = setup({ delayMs: 400, signals });
    const stack = await engine.createStack(request({ timeoutMins: 0.002 }));
    expect(stack.status).toBe('CREATE_FAILED');
    expect(stack.reason).toBe('Stack CREATE timed out after 0.002 minute(s) while resource net was in progress');
    expect(stack.failure).toMatchObject({ resource: 'net', retryable: true, timedOut: true });
    expect(signals[0]?.aborted).toBe(true);
    expect(stack.timeoutMins).toBe(0.002);
  });

  it('fails the resource when evaluating its properties fails', async () => {
    const { engine } = setup();
    const template = `heat_template_version: 2013-05-23
resources:
  a: { type: T::Other }
  b: { type: T::Other, properties: { x: { str_replace: { template: 1, params: {} } } } }
`;
    const stack = await engine.createStack({ name: 'bad_props', template });
    expect(stack.status).toBe('CREATE_FAILED');
    expect(stack.reason).toBe('Resource CREATE failed: IntrinsicError: resources.b: "str_replace" template must be a string');
  });

  it('throws validation errors before storing anything', async () => {
    const { engine, store, calls } = setup();
    await expect(engine.createStack(request({ params: {} }))).rejects.toBeInstanceOf(ParameterError);
    await expect(engine.createStack(request({ params: { name: 'x', vlan: 'many' } }))).rejects.toThrow("Parameter 'vlan' is invalid");
    await expect(engine.createStack(request({ template: 'heat_template_version: 1999-01-01\n' }))).rejects.toBeInstanceOf(TemplateError);
    await expect(engine.createStack({ ...request(), name: '9lives' })).rejects.toBeInstanceOf(InvalidStackRequestError);
    await expect(engine.createStack(request({ timeoutMins: 0 }))).rejects.toBeInstanceOf(InvalidStackRequestError);
    expect(await store.get('net_1')).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('refuses a create over a stack in another state', async () => {
    const { engine } = setup();
    await engine.createStack(request());
    await engine.updateStack(request({ params: { name: 'green' } }));
    await expect(engine.createStack(request())).rejects.toBeInstanceOf(StackConflictError);
  });

  it('can reject resource types nobody provides', async () => {
    const engine = new StackEngine({ store: new InMemoryStackStore(), unknownTypes: 'reject' });
    const template = 'heat_template_version: 2013-05-23\nresources:\n  x: { type: OS::Nova::Server }\n';
    await expect(engine.createStack({ name: 's', template })).rejects.toThrow('The Resource Type (OS::Nova::Server) could not be found.');
    const lenient = new StackEngine({ store: new InMemoryStackStore() });
    expect((await lenient.createStack({ name: 's', template })).status).toBe('CREATE_COMPLETE');
  });

  it('stores progress after each resource that takes time, so an interrupted create can be resumed', async () => {
    const puts: StoredStack[] = [];
    const inner = new InMemoryStackStore();
    const store: StackStore = {
      get: (n) => inner.get(n),
      put: async (s) => {
        puts.push(structuredClone(s));
        await inner.put(s);
      },
      putIfAbsent: (s) => inner.putIfAbsent(s),
      delete: (n) => inner.delete(n),
    };
    // Providers that take a moment, as real ones do: each resource's progress is written
    // while the next is made; the last one's rides with the outcome.
    const { engine } = setup({ delayMs: 20 }, store);
    await engine.createStack(request());
    expect(puts[0]).toMatchObject({ status: 'CREATE_IN_PROGRESS', reason: 'Stack CREATE started', resources: [] });
    expect(puts.map((p) => p.resources.filter((r) => r.physicalId !== '').length)).toEqual([0, 1, 2, 3]);
    expect(puts.at(-1)?.status).toBe('CREATE_COMPLETE');
  });

  it('with a slow store, saves made during a write share the next one, in order, and the last is the outcome', async () => {
    const puts: StoredStack[] = [];
    const inner = new InMemoryStackStore();
    const slow: StackStore = {
      get: (n) => inner.get(n),
      put: async (s) => {
        puts.push(structuredClone(s));
        await new Promise((r) => setTimeout(r, 30));
        await inner.put(s);
      },
      putIfAbsent: (s) => inner.putIfAbsent(s),
      delete: (n) => inner.delete(n),
    };
    const { engine } = setup({}, slow);
    await engine.createStack(request());
    const made = puts.map((p) => p.resources.filter((r) => r.physicalId !== '').length);
    expect(puts.length).toBeLessThan(5);
    expect(made).toEqual([...made].sort((a, b) => a - b));
    expect(puts.at(-1)).toMatchObject({ status: 'CREATE_COMPLETE' });
    expect((await inner.get(request().name))?.status).toBe('CREATE_COMPLETE');
    // A delete waits for progress writes still in flight: the record does not come back.
    await engine.deleteStack(request().name);
    await new Promise((r) => setTimeout(r, 100));
    expect(await inner.get(request().name)).toBeUndefined();
  });

  it('reports store failures as retryable StackStoreError', async () => {
    const broken: StackStore = {
      get: () => Promise.reject(new Error('etcd unavailable')),
      put: () => Promise.resolve(),
      putIfAbsent: () => Promise.resolve(true),
      delete: () => Promise.resolve(),
    };
    const { engine } = setup({}, broken);
    const error = await engine.createStack(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackStoreError);
    expect((error as StackStoreError).retryable).toBe(true);
    expect((error as StackStoreError).message).toContain('etcd unavailable');
  });
});

describe('createStackIfAbsent', () => {
  /** A store that lists every call made to it. */
  function countingStore() {
    const inner = new InMemoryStackStore();
    const ops: string[] = [];
    const store: StackStore = {
      get: (n) => (ops.push('get'), inner.get(n)),
      put: (s) => (ops.push(`put ${s.status}`), inner.put(s)),
      putIfAbsent: (s) => (ops.push(`putIfAbsent ${s.status}`), inner.putIfAbsent(s)),
      delete: (n) => (ops.push('delete'), inner.delete(n)),
    };
    return { store, ops, inner };
  }

  it('creates a new stack without reading first: the first write claims the name', async () => {
    const { store, ops } = countingStore();
    const { engine, calls } = setup({}, store);
    const stack = await engine.createStackIfAbsent(request());
    expect(stack?.status).toBe('CREATE_COMPLETE');
    expect(stack?.operations).toEqual({ CREATE: 1 });
    expect(calls.map((c) => c.resource)).toEqual(['net', 'subnet', 'port']);
    expect(ops[0]).toBe('putIfAbsent CREATE_IN_PROGRESS');
    expect(ops).not.toContain('get');
    expect(ops.at(-1)).toBe('put CREATE_COMPLETE');
  });

  it('does nothing and answers undefined when a stack of that name is stored, whatever its state', async () => {
    const { store, ops, inner } = countingStore();
    const { engine, calls } = setup({ failOn: (op, r) => (op === 'create' && r === 'subnet' ? new ProviderError('quota exceeded') : undefined) }, store);
    const failed = await engine.createStack(request());
    expect(failed.status).toBe('CREATE_FAILED');
    calls.length = 0;
    ops.length = 0;
    expect(await engine.createStackIfAbsent(request())).toBeUndefined();
    expect(calls).toEqual([]);
    expect(ops).toEqual(['putIfAbsent CREATE_IN_PROGRESS']);
    expect(await inner.get('net_1')).toEqual(failed);
  });

  it('throws validation errors before storing anything', async () => {
    const { store, ops } = countingStore();
    const { engine } = setup({}, store);
    await expect(engine.createStackIfAbsent(request({ template: 'resources: [' }))).rejects.toBeInstanceOf(TemplateError);
    expect(ops).toEqual([]);
  });

  it('discardUnstored deletes what a create made in the providers and touches no store', async () => {
    const { store, ops } = countingStore();
    const { engine, calls } = setup({}, store);
    const made = (await engine.createStackIfAbsent(request()))!;
    calls.length = 0;
    ops.length = 0;
    await engine.discardUnstored(made);
    expect(calls.map((c) => [c.op, c.resource]).sort()).toEqual([
      ['delete', 'net'],
      ['delete', 'port'],
      ['delete', 'subnet'],
    ]);
    expect(ops).toEqual([]);
  });
});

describe('updateStack', () => {
  it('updates changed resources in place, leaves unchanged ones alone, and re-evaluates outputs', async () => {
    const { engine, calls } = setup();
    const created = await engine.createStack(request());
    calls.length = 0;
    const stack = await engine.updateStack(request({ params: { name: 'blue', vlan: 7 } }));
    expect(stack.status).toBe('UPDATE_COMPLETE');
    expect(stack.reason).toBe('Stack successfully updated');
    expect(stack.id).toBe(created.id);
    expect(calls).toEqual([{ op: 'update', resource: 'subnet', properties: { fq: ['domain', 'blue'], vlan: 7 } }]);
    expect(stack.resources.find((r) => r.name === 'subnet')?.status).toBe('UPDATE_COMPLETE');
    expect(stack.resources.find((r) => r.name === 'net')?.status).toBe('CREATE_COMPLETE');
    expect(stack.outputs[0]?.output_value).toBe('port-1');
  });

  it('propagates a change to the resources that reference it', async () => {
    const { engine, calls } = setup();
    await engine.createStack(request());
    calls.length = 0;
    await engine.updateStack(request({ params: { name: 'green' } }));
    expect(calls.map((c) => `${c.op}:${c.resource}`)).toEqual(['update:net', 'update:subnet', 'update:port']);
    expect(calls[2]?.properties).toEqual({ network: 'net-1', subnet_fq: 'green' });
  });

  it('creates new resources, deletes removed ones (dependents first) and replaces on type change', async () => {
    const { engine, calls } = setup();
    await engine.createStack(request());
    calls.length = 0;
    const template = `heat_template_version: 2013-05-23
parameters:
  name: { type: string }
resources:
  net:
    type: T::Other
    properties: { name: { get_param: name } }
  extra:
    type: T::Other
    properties: { on: { get_resource: net } }
outputs:
  extra_id: { value: { get_resource: extra } }
`;
    const stack = await engine.updateStack({ name: 'net_1', template, params: { name: 'blue' } });
    expect(stack.status).toBe('UPDATE_COMPLETE');
    expect(calls.map((c) => `${c.op}:${c.resource}`)).toEqual([
      'delete:net',
      'create:net',
      'create:extra',
      'delete:port',
      'delete:subnet',
    ]);
    expect(stack.resources.map((r) => [r.name, r.type])).toEqual([
      ['net', 'T::Other'],
      ['extra', 'T::Other'],
    ]);
    expect(stack.outputs).toEqual([{ output_value: 'extra-2', description: 'No description given', output_key: 'extra_id' }]);
  });

  it('replaces a resource whose provider cannot change it in place', async () => {
    const calls: Call[] = [];
    const immutable = {
      ...recordingProvider('T::Other', calls),
      update: () => Promise.reject(new ReplacementRequired('name is immutable')),
    };
    const engine = new StackEngine({ store: new InMemoryStackStore(), providers: [immutable] });
    const template = 'heat_template_version: 2013-05-23\nparameters:\n  n: { type: string }\nresources:\n  r: { type: T::Other, properties: { n: { get_param: n } } }\n';
    const first = await engine.createStack({ name: 's', template, params: { n: 'a' } });
    const second = await engine.updateStack({ name: 's', template, params: { n: 'b' } });
    expect(second.status).toBe('UPDATE_COMPLETE');
    expect(second.resources[0]?.physicalId).not.toBe(first.resources[0]?.physicalId);
    expect(calls.map((c) => c.op)).toEqual(['create', 'delete', 'create']);
  });

  it('records UPDATE_FAILED and lets a later update finish the job', async () => {
    let failing = true;
    const { engine, calls } = setup({
      failOn: (op, r) => (failing && op === 'update' && r === 'subnet' ? new ProviderError('locked') : undefined),
    });
    await engine.createStack(request());
    const failed = await engine.updateStack(request({ params: { name: 'blue', vlan: 9 } }));
    expect(failed.status).toBe('UPDATE_FAILED');
    expect(failed.reason).toBe('Resource UPDATE failed: ProviderError: resources.subnet: locked');
    expect(failed.resources.find((r) => r.name === 'subnet')).toMatchObject({ status: 'UPDATE_FAILED', properties: { vlan: 0 } });
    failing = false;
    calls.length = 0;
    const fixed = await engine.updateStack(request({ params: { name: 'blue', vlan: 9 } }));
    expect(fixed.status).toBe('UPDATE_COMPLETE');
    expect(fixed.failure).toBeUndefined();
    expect(calls.map((c) => `${c.op}:${c.resource}`)).toEqual(['update:subnet']);
  });

  it('throws for a stack that does not exist', async () => {
    const { engine } = setup();
    await expect(engine.updateStack(request())).rejects.toBeInstanceOf(StackNotFoundError);
    await expect(engine.updateStack(request())).rejects.toThrow('The Stack (net_1) could not be found.');
  });
});

describe('deleteStack', () => {
  it('deletes dependents first and removes the record', async () => {
    const { engine, calls, store } = setup();
    await engine.createStack(request());
    calls.length = 0;
    const result = await engine.deleteStack('net_1');
    expect(result).toMatchObject({ status: 'DELETE_COMPLETE', reason: STATUS_REASONS.DELETE_COMPLETE, resources: [], outputs: [] });
    expect(calls.map((c) => `${c.op}:${c.resource}`)).toEqual(['delete:port', 'delete:subnet', 'delete:net']);
    expect(await store.get('net_1')).toBeUndefined();
  });

  it('treats deleting a stack that does not exist as done', async () => {
    const { engine } = setup();
    expect(await engine.deleteStack('never_was')).toMatchObject({ name: 'never_was', id: '', status: 'DELETE_COMPLETE', outputs: [] });
  });

  it('records DELETE_FAILED, keeps what is left, and a retry finishes', async () => {
    let failing = true;
    const { engine, calls, store } = setup({
      failOn: (op, r) => (failing && op === 'delete' && r === 'subnet' ? new ProviderError('in use', { retryable: true }) : undefined),
    });
    await engine.createStack(request());
    const failed = await engine.deleteStack('net_1');
    expect(failed.status).toBe('DELETE_FAILED');
    expect(failed.reason).toBe('Resource DELETE failed: ProviderError: resources.subnet: in use');
    expect(failed.failure?.retryable).toBe(true);
    expect((await store.get('net_1'))?.resources.map((r) => [r.name, r.status])).toEqual([
      ['net', 'CREATE_COMPLETE'],
      ['subnet', 'DELETE_FAILED'],
    ]);
    failing = false;
    calls.length = 0;
    expect((await engine.deleteStack('net_1')).status).toBe('DELETE_COMPLETE');
    expect(calls.map((c) => c.resource)).toEqual(['subnet', 'net']);
  });

  it('forgets but never deletes a resource whose deletion_policy is Retain', async () => {
    const { engine, calls } = setup();
    const template = `heat_template_version: 2013-05-23
resources:
  kept: { type: T::Other, deletion_policy: Retain }
  gone: { type: T::Other }
`;
    await engine.createStack({ name: 'retain', template });
    calls.length = 0;
    expect((await engine.deleteStack('retain')).status).toBe('DELETE_COMPLETE');
    expect(calls.map((c) => `${c.op}:${c.resource}`)).toEqual(['delete:gone']);
  });

  it('refuses to update a stack whose delete failed', async () => {
    const { engine } = setup({ failOn: (op) => (op === 'delete' ? new ProviderError('stuck') : undefined) });
    await engine.createStack(request());
    await engine.deleteStack('net_1');
    await expect(engine.updateStack(request())).rejects.toBeInstanceOf(StackConflictError);
  });

  it('keeps tags: set by create, replaced by an update that gives some, kept by one that does not', async () => {
    const { engine } = setup();
    expect((await engine.createStack({ ...request(), tags: ['job_a', 'v_1'] })).tags).toEqual(['job_a', 'v_1']);
    expect((await engine.getStack('net_1'))?.tags).toEqual(['job_a', 'v_1']);
    const updated = await engine.updateStack({ ...request({ params: { name: 'blue', vlan: 5 } }), tags: ['job_b'] });
    expect(updated.tags).toEqual(['job_b']);
    expect((await engine.updateStack(request({ params: { name: 'blue', vlan: 6 } }))).tags).toEqual(['job_b']);
  });

  it('refuses tags Heat would refuse', async () => {
    const { engine } = setup();
    await expect(engine.createStack({ ...request(), tags: ['a,b'] })).rejects.toBeInstanceOf(InvalidStackRequestError);
    await expect(engine.createStack({ ...request(), tags: ['x'.repeat(81)] })).rejects.toBeInstanceOf(InvalidStackRequestError);
  });
});
