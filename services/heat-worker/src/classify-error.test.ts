// The Heat error table of the README, one test per listed error: the fake Heat answers
// with Heat's error body (by injection, or by really getting into the situation), the
// OpenStack driver meets it over HTTP, and the job's decision is what classifyError
// makes of what the driver threw. "tries" counts the requests Heat saw: the client
// repeats only `retry` errors.
import { describe, expect, it } from 'vitest';
import { HeatApiError, type Fault, type HeatTestServer } from '@esi/heat-client';
import { classifyError } from './classify-error.js';
import { StackBusyError, StackRefusedError } from './errors.js';

import { openstackDriver, stackCall, useHeatTestServer } from './test-support.js';

const NAME = 'ese_logical_port_p1';
const call = stackCall;
const servers = useHeatTestServer({ operationDelayMs: 10 });
const start = servers.start;

/** What the job does about whatever `run` threw ('ok' when nothing). */
async function decisionOf(run: () => Promise<unknown>): Promise<{ kind: string; error: unknown }> {
  try {
    await run();
    return { kind: 'ok', error: undefined };
  } catch (error) {
    return { kind: classifyError(error), error };
  }
}

const tries = (server: HeatTestServer, method: string, path: RegExp) =>
  server.requests.filter((r) => r.method === method && path.test(r.path)).length;
const POSTS = /\/stacks$/;

/** Until the Heat test server has answered a request with this method (it records each with its answer). */
async function untilRequest(method: string): Promise<void> {
  while (!servers.current!.requests.some((r) => r.method === method)) await new Promise((r) => setTimeout(r, 5));
}

describe('Heat 400s on create that are the template’s: fail the job now', () => {
  const cases: [string, string][] = [
    ['StackValidationFailed', 'Property error: resources.port.properties.vlan: 5000 is out of range'],
    ['InvalidTemplateReference', 'The specified reference "subnet" (in port.Properties.fixed_ips) is incorrect.'],
    ['HTTPBadRequest', 'Data supplied was not valid: while parsing a block mapping expected <block end>'],
    ['UserParameterMissing', 'The Parameter (name) was not provided.'],
    ['InvalidTemplateVersion', 'The template version is invalid: heat_template_version: 2099-01-01'],
    ['RequestLimitExceeded', 'Template size (600000 bytes) exceeds maximum allowed size (524288 bytes).'],
  ];
  it.each(cases)('%s → input, not repeated', async (type, message) => {
    const { heat, driver } = await start();
    heat.inject({ method: 'POST', path: POSTS, status: 400, type, message });
    const { kind, error } = await decisionOf(() => driver.create(call()));
    expect(kind).toBe('input');
    expect(error).toBeInstanceOf(StackRefusedError);
    expect((error as Error).message).toContain(`Heat refused stack ${NAME}: ${type}: ${message} [req-`);
    expect(tries(heat, 'POST', POSTS)).toBe(1);
  });

  it('ImmutableParameterModified on update → input', async () => {
    const { heat, driver } = await start();
    const view = await driver.create(call());
    heat.inject({ method: 'PUT', status: 400, type: 'ImmutableParameterModified', message: 'The following parameters are immutable and may not be updated: name' });
    expect((await decisionOf(() => driver.update(view, call({ tags: ['esi_job_b'] })))).kind).toBe('input');
  });

  it('413 (request body over max_json_body_size) → input', async () => {
    const { heat, driver } = await start();
    heat.inject({ method: 'POST', path: POSTS, status: 413, type: 'RequestEntityTooLarge', message: 'Request limit exceeded: JSON body size exceeds maximum allowed size' });
    expect((await decisionOf(() => driver.create(call()))).kind).toBe('input');
    expect(tries(heat, 'POST', POSTS)).toBe(1);
  });
});

describe('Heat 400s that pass: the job tries again later', () => {
  it('RequestLimitExceeded (the project’s stack limit) → transient, not repeated at once', async () => {
    const { heat, driver } = await start({ maxStacks: 1 });
    await driver.create(call({ name: 'other_stack' }));
    const { kind, error } = await decisionOf(() => driver.create(call()));
    expect(kind).toBe('transient');
    expect(error).toMatchObject({ status: 400, type: 'RequestLimitExceeded', decision: 'later' });
    expect(tries(heat, 'POST', POSTS)).toBe(2);
  });

  it('NotSupported "Updating a stack when it is deleting" → transient', async () => {
    const { driver } = await start({ operationDelayMs: 1_500 });
    const view = await driver.create(call());
    // A delete begins and runs for a while; the update meets it once Heat has answered the
    // delete (a request is recorded with its answer), not after a fixed wait a busy core
    // can outlast.
    const deleting = driver.delete(view);
    await untilRequest('DELETE');
    const { kind, error } = await decisionOf(() => driver.update(view, call({ tags: ['esi_job_b'] })));
    expect(kind).toBe('transient');
    expect(error).toMatchObject({ status: 400, type: 'NotSupported', decision: 'later', detail: 'Updating a stack when it is deleting is not supported.' });
    await deleting;
  });

  it('NotSupported for anything else (a suspended stack) → permanent', async () => {
    const { heat, driver } = await start();
    const view = await driver.create(call());
    heat.inject({ method: 'PUT', status: 400, type: 'NotSupported', message: 'Updating a stack when it is suspended is not supported.' });
    expect((await decisionOf(() => driver.update(view, call({ tags: ['esi_job_b'] })))).kind).toBe('permanent');
  });
});

describe('authentication and permission', () => {
  it('401 → a new token and the request once more; it then succeeds', async () => {
    const { heat, driver } = await start();
    await driver.find(NAME);
    heat.revokeTokens();
    expect((await decisionOf(() => driver.create(call()))).kind).toBe('ok');
    expect(heat.tokensIssued()).toBe(2);
  });

  it('401 again with a fresh token → permanent', async () => {
    const { heat, driver } = await start();
    heat.inject({ method: 'POST', path: POSTS, status: 401, type: 'HTTPUnauthorized', message: 'Authentication required', count: 2 });
    const { kind, error } = await decisionOf(() => driver.create(call()));
    expect(kind).toBe('permanent');
    expect(error).toMatchObject({ status: 401, decision: 'reauth' });
    expect(tries(heat, 'POST', POSTS)).toBe(2);
  });

  it('403 Forbidden → permanent, not repeated', async () => {
    const { heat, driver } = await start();
    heat.inject({ method: 'POST', path: POSTS, status: 403, type: 'Forbidden', message: 'You are not authorized to complete stacks:create.' });
    expect((await decisionOf(() => driver.create(call()))).kind).toBe('permanent');
    expect(tries(heat, 'POST', POSTS)).toBe(1);
  });
});

describe('404: gone', () => {
  it('on lookup and show → the stack is absent (no error)', async () => {
    const { driver } = await start();
    expect(await driver.find(NAME)).toBeUndefined();
    expect(await driver.settle({ name: NAME, id: 'no-such-id', status: 'CREATE_IN_PROGRESS', reason: '', outputs: [], tags: [], retryable: false })).toBeUndefined();
  });

  it('on delete (deleted by someone else already) → deleted', async () => {
    const { heat, driver } = await start();
    const view = await driver.create(call());
    expect(await openstackDriver(heat).delete(view)).toBeUndefined();
    expect(await driver.delete(view)).toBeUndefined();
    expect(heat.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([204, 404]);
  });

  it('on update (deleted meanwhile) → transient: the next delivery decides afresh', async () => {
    const { heat, driver } = await start();
    const view = await driver.create(call());
    heat.inject({ method: 'PUT', status: 404, type: 'EntityNotFound', message: `The Stack (${NAME}) could not be found.` });
    expect((await decisionOf(() => driver.update(view, call({ tags: ['esi_job_b'] })))).kind).toBe('transient');
  });
});

describe('409: conflict handling', () => {
  it('StackExists, made by this job (a lost answer) → waits for that stack', async () => {
    const { heat, driver } = await start();
    heat.inject({ method: 'POST', path: POSTS, status: 502, afterHandling: true });
    expect(await driver.create(call())).toMatchObject({ status: 'CREATE_COMPLETE' });
    expect(heat.requests.filter((r) => r.method === 'POST' && POSTS.test(r.path)).map((r) => r.status)).toEqual([502, 409]);
  });

  it('StackExists, made by another job → transient (busy)', async () => {
    const { driver } = await start();
    await driver.create(call({ tags: ['esi_job_other'] }));
    const { kind, error } = await decisionOf(() => driver.create(call()));
    expect(kind).toBe('transient');
    expect(error).toBeInstanceOf(StackBusyError);
  });

  it('ActionInProgress (legacy engine, update while another operation runs) → transient (busy)', async () => {
    const { driver } = await start({ engine: 'legacy', operationDelayMs: 1_500 });
    const other = openstackDriver(servers.current!);
    const view = await driver.create(call());
    const running = other.update(view, call({ tags: ['esi_job_other'] }));
    await untilRequest('PUT');
    const { kind, error } = await decisionOf(() => driver.update(view, call({ tags: ['esi_job_b'] })));
    expect(kind).toBe('transient');
    expect((error as Error).cause).toMatchObject({ status: 409, type: 'ActionInProgress', decision: 'conflict' });
    await running;
  });
});

describe('the server’s moment: repeated in the client, then the job later', () => {
  it.each([500, 502, 503, 504])('%i → repeated (3 tries), then transient', async (status) => {
    const { heat, driver } = await start();
    heat.inject({ method: 'POST', path: POSTS, status, count: 10 });
    const { kind, error } = await decisionOf(() => driver.create(call()));
    expect(kind).toBe('transient');
    expect(error).toMatchObject({ status, decision: 'retry' });
    expect(tries(heat, 'POST', POSTS)).toBe(3);
  });

  it('429 with Retry-After → waited for, repeated, then succeeds', async () => {
    const { heat, driver } = await start();
    const fault: Fault = { method: 'POST', path: POSTS, status: 429, type: 'HTTPTooManyRequests', message: 'slow down', retryAfter: '1' };
    heat.inject(fault);
    expect((await decisionOf(() => driver.create(call()))).kind).toBe('ok');
    const posts = heat.requests.filter((r) => r.method === 'POST' && POSTS.test(r.path));
    expect(posts.map((r) => r.status)).toEqual([429, 201]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('no connection → repeated, then transient', async () => {
    const { heat, driver } = await start();
    await driver.find(NAME);
    await heat.close();
    const { kind, error } = await decisionOf(() => driver.create(call()));
    expect(kind).toBe('transient');
    expect(error).toMatchObject({ name: 'TransportError', retryable: true });
  });

  it('a HeatApiError’s decision is its type’s, whatever the status says alone', () => {
    expect(new HeatApiError(400, 'StackValidationFailed', 'x', 'POST /stacks').decision).toBe('input');
    expect(new HeatApiError(400, 'RequestLimitExceeded', 'You have reached the maximum stacks per tenant, 100. Please delete some stacks.', 'POST /stacks').decision).toBe('later');
    expect(new HeatApiError(400, 'NotSupported', 'Updating a stack when it is deleting is not supported.', 'PUT').decision).toBe('later');
  });
});
