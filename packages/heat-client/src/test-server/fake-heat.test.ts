// The fake Heat behaves as Heat does where the driver depends on it: both engine modes,
// Heat's status reasons, timeout_mins, name and tag rules, query parameters, and a PUT
// that replaces the tags. Raw HTTP, so the client's own handling hides nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { KeystoneSession } from '../keystone.js';
import { startHeatTestServer, type HeatTestServer, type HeatTestServerOptions } from './heat-test-server.js';
import { ENGINE_MODES, type EngineMode } from './types.js';

let server: HeatTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TEMPLATE = 'heat_template_version: 2015-04-30\nresources: {}\n';

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Heat's JSON, read by the assertions
  location: string | null;
}

async function open(options: HeatTestServerOptions = {}) {
  server = await startHeatTestServer({ operationDelayMs: 20, ...options });
  const s = server;
  const token = await new KeystoneSession(s.credentials).token();
  const base = `${s.url}/v1/${s.projectId}/stacks`;
  const send = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${base}${path}`, {
      method,
      redirect: 'manual',
      headers: { 'X-Auth-Token': token.id, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, location: response.headers.get('location') };
  };
  const create = (over: Record<string, unknown> = {}) =>
    send('POST', '', { stack_name: 'port_1', template: TEMPLATE, parameters: {}, tags: 'esi_job_a,esi_version_1', timeout_mins: 5, ...over });
  const show = async (name: string, id: string, query = '') => (await send('GET', `/${name}/${id}${query}`)).body?.stack;
  const settle = async (name: string, id: string, timeoutMs = 3_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const stack = await show(name, id, '?resolve_outputs=False');
      if (!String(stack?.stack_status).endsWith('_IN_PROGRESS')) return stack;
      if (Date.now() > deadline) throw new Error(`still ${stack?.stack_status}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { send, create, show, settle };
}

describe.each(ENGINE_MODES)('fake Heat, %s engine', (engine: EngineMode) => {
  it('reports Heat’s status reasons for create, update and delete', async () => {
    // Long enough that the show right after the create still finds it running on a busy
    // core (at 150 ms, once, it had already finished).
    const h = await open({ engine, operationDelayMs: 800 });
    const id = (await h.create()).body.stack.id as string;
    expect(await h.show('port_1', id)).toMatchObject({ stack_status: 'CREATE_IN_PROGRESS', stack_status_reason: 'Stack CREATE started' });
    expect(await h.settle('port_1', id)).toMatchObject({ stack_status: 'CREATE_COMPLETE', stack_status_reason: 'Stack CREATE completed successfully' });
    expect((await h.send('PUT', `/port_1/${id}`, { template: TEMPLATE, parameters: {}, tags: 'esi_job_b' })).status).toBe(202);
    expect(await h.settle('port_1', id)).toMatchObject({ stack_status: 'UPDATE_COMPLETE', stack_status_reason: 'Stack UPDATE completed successfully' });
    expect((await h.send('DELETE', `/port_1/${id}`)).status).toBe(204);
    expect(await h.settle('port_1', id)).toMatchObject({ stack_status: 'DELETE_COMPLETE', stack_status_reason: 'Stack DELETE completed successfully' });
  });

  it('fails an action that outlives timeout_mins with Heat’s timeout reason', async () => {
    const h = await open({ engine, minuteMs: 40, run: () => new Promise(() => undefined) });
    const id = (await h.create({ timeout_mins: 1 })).body.stack.id as string;
    const reason = engine === 'convergence' ? 'Timed out' : 'Create timed out';
    expect(await h.settle('port_1', id)).toMatchObject({ stack_status: 'CREATE_FAILED', stack_status_reason: reason });
  });

  it('refuses to update a stack that is being deleted (400 NotSupported)', async () => {
    const h = await open({ engine, operationDelayMs: 200 });
    const id = (await h.create()).body.stack.id as string;
    await h.settle('port_1', id);
    await h.send('DELETE', `/port_1/${id}`);
    const answer = await h.send('PUT', `/port_1/${id}`, { template: TEMPLATE, parameters: {} });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      explanation: 'The server could not comply with the request.',
      code: 400,
      error: { message: 'Updating a stack when it is deleting is not supported.', traceback: null, type: 'NotSupported' },
      title: 'Bad Request',
    });
  });
});

describe('fake Heat: an update while an operation is in progress', () => {
  it('legacy engine: 409 ActionInProgress, the running create goes on', async () => {
    const h = await open({ engine: 'legacy', operationDelayMs: 800 });
    const id = (await h.create()).body.stack.id as string;
    const answer = await h.send('PUT', `/port_1/${id}`, { template: TEMPLATE, parameters: { x: 1 }, tags: 'esi_job_b' });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({ type: 'ActionInProgress', message: 'Stack port_1 already has an action (CREATE) in progress.' });
    expect(await h.settle('port_1', id)).toMatchObject({ stack_status: 'CREATE_COMPLETE', tags: ['esi_job_a', 'esi_version_1'] });
  });

  it('convergence engine: 202, the update replaces the running create and the create’s end is never written', async () => {
    const ends: string[] = [];
    const h = await open({
      engine: 'convergence',
      operationDelayMs: 100,
      run: (op) => {
        ends.push(op.action);
        return op.action === 'CREATE' ? { ok: false, reason: 'the create would have failed' } : { ok: true };
      },
    });
    const id = (await h.create()).body.stack.id as string;
    const answer = await h.send('PUT', `/port_1/${id}`, { template: TEMPLATE, parameters: { x: 1 }, tags: 'esi_job_b' });
    expect(answer.status).toBe(202);
    expect(await h.show('port_1', id)).toMatchObject({ stack_status: 'UPDATE_IN_PROGRESS', tags: ['esi_job_b'] });
    expect(await h.settle('port_1', id)).toMatchObject({ stack_status: 'UPDATE_COMPLETE', stack_status_reason: 'Stack UPDATE completed successfully' });
    await new Promise((r) => setTimeout(r, 150));
    expect(await h.show('port_1', id)).toMatchObject({ stack_status: 'UPDATE_COMPLETE' });
    expect(ends).toContain('UPDATE');
  });
});

describe('fake Heat: what a request may carry', () => {
  it('validates stack names by Heat’s rule: a letter first, then [a-zA-Z0-9_.-], at most 255', async () => {
    const h = await open();
    for (const bad of ['1port', '_port', 'port 1', 'port/1', 'pört', `p${'x'.repeat(255)}`]) {
      const answer = await h.create({ stack_name: bad });
      expect(answer.status, bad).toBe(400);
      expect(answer.body.error.type).toBe('StackValidationFailed');
      expect(answer.body.error.message).toContain('must contain only alphanumeric or "_-." characters, must start with alpha');
    }
    for (const good of ['p', 'ese_logical_port_3f1c0e52-a4b1-4c4e-9f0e-1b2c3d4e5f60', 'a.b-c_1', `p${'x'.repeat(254)}`]) {
      expect((await h.create({ stack_name: good })).status, good).toBe(201);
    }
  });

  it('validates tags: a comma-separated string, no empty tag, none over 80 characters', async () => {
    const h = await open();
    expect((await h.create({ tags: `ok,${'t'.repeat(81)}` })).body.error).toMatchObject({ type: 'HTTPBadRequest' });
    expect((await h.create({ tags: 'a,,b' })).status).toBe(400);
    expect((await h.create({ tags: ['a', 'b'] })).status).toBe(400);
    expect((await h.create({ tags: 't'.repeat(80) })).status).toBe(201);
  });

  it('a PUT without tags clears them; a PUT without timeout_mins keeps the timeout', async () => {
    const h = await open();
    const id = (await h.create({ timeout_mins: 7 })).body.stack.id as string;
    await h.settle('port_1', id);
    await h.send('PUT', `/port_1/${id}`, { template: TEMPLATE, parameters: {} });
    expect(await h.settle('port_1', id)).toMatchObject({ stack_status: 'UPDATE_COMPLETE', tags: null, timeout_mins: 7 });
  });

  it('honours resolve_outputs on show and keeps the query on the lookup’s redirect', async () => {
    const h = await open({ run: () => ({ ok: true, outputs: [{ output_key: 'k', output_value: 'v', description: 'd' }] }) });
    const id = (await h.create()).body.stack.id as string;
    await h.settle('port_1', id);
    expect(server!.outputResolutions()).toBe(0);
    expect((await h.show('port_1', id)).outputs).toEqual([{ output_key: 'k', output_value: 'v', description: 'd' }]);
    expect(await h.show('port_1', id, '?resolve_outputs=false')).not.toHaveProperty('outputs');
    expect(await h.show('port_1', id, '?resolve_outputs=0')).not.toHaveProperty('outputs');
    expect(server!.outputResolutions()).toBe(1);
    const bad = await h.send('GET', `/port_1/${id}?resolve_outputs=maybe`);
    expect(bad.status).toBe(400);
    const lookup = await h.send('GET', '/port_1?resolve_outputs=False');
    expect(lookup.status).toBe(302);
    expect(lookup.location).toMatch(new RegExp(`/stacks/port_1/${id}\\?resolve_outputs=False$`));
  });

  it('filters the stack list by the tags query parameters', async () => {
    const h = await open();
    await h.create({ stack_name: 'a', tags: 'x,y' });
    await h.create({ stack_name: 'b', tags: 'y' });
    const names = async (query: string) => ((await h.send('GET', query)).body.stacks as { stack_name: string }[]).map((s) => s.stack_name).sort();
    expect(await names('?tags=x,y')).toEqual(['a']);
    expect(await names('?tags_any=x')).toEqual(['a']);
    expect(await names('?not_tags_any=x')).toEqual(['b']);
    expect(await names('')).toEqual(['a', 'b']);
  });

  it('refuses a create past the project’s stack limit with RequestLimitExceeded', async () => {
    const h = await open({ maxStacks: 1 });
    expect((await h.create({ stack_name: 'a' })).status).toBe(201);
    const answer = await h.create({ stack_name: 'b' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      type: 'RequestLimitExceeded',
      message: 'You have reached the maximum stacks per tenant, 1. Please delete some stacks.',
    });
  });
});
