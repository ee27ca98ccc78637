// Contract tests: the client against the Heat-compatible server over real HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import {
  EndpointNotFoundError,
  HeatApiError,
  HeatClient,
  HeatFault,
  KeystoneAuthError,
  KeystoneSession,
  StackWaitTimeoutError,
  TransportError,
  normalizeAuthUrl,
  startHeatTestServer,
  type HeatTestServer,
  type HeatTestServerOptions,
} from './index.js';

const FAST = { attempts: 3, baseMs: 5, maxMs: 20 };
const TEMPLATE = 'heat_template_version: 2015-04-30\nresources: {}\n';
let server: HeatTestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(options: HeatTestServerOptions = {}, sessionOptions: { refreshMarginMs?: number } = {}) {
  server = await startHeatTestServer({ operationDelayMs: 10, ...options });
  const session = new KeystoneSession(server.credentials, { retry: FAST, requestTimeoutMs: 2_000, ...sessionOptions });
  const client = new HeatClient(session, { retry: FAST, requestTimeoutMs: 2_000 });
  return { server, session, client };
}

const spec = (over: Record<string, unknown> = {}) => ({
  name: 'port_p1',
  template: TEMPLATE,
  parameters: { name: 'blue' },
  timeoutMins: 13,
  tags: ['esi_job_abc', 'esi_version_1'],
  ...over,
});

const wait = { timeoutMs: 2_000, pollMs: 5, pollMaxMs: 20 };

describe('HeatClient against the Heat-compatible test server', () => {
  it('creates, finds by name, updates and deletes a stack, fetching outputs', async () => {
    const { client, server } = await setup({
      run: (op) => ({
        ok: true,
        outputs: [
          { output_key: 'name', output_value: op.parameters.name, description: 'The name' },
          { output_key: 'broken', output_value: null, output_error: "no attribute 'li_uuid'", description: 'x' } as never,
        ],
      }),
    });
    expect(await client.findStack('port_p1')).toBeUndefined();
    const { id } = await client.createStack(spec());
    const created = await client.waitForStack('port_p1', id, 'CREATE', wait);
    expect(created).toMatchObject({ id, status: 'CREATE_COMPLETE', reason: 'Stack CREATE completed successfully' });
    expect(created?.outputs).toEqual([
      { output_value: 'blue', description: 'The name', output_key: 'name' },
      { output_value: null, output_error: "no attribute 'li_uuid'", description: 'x', output_key: 'broken' },
    ]);
    // The request carried heat_timeout as timeout_mins, the tags, and no rollback.
    const post = server.requests.find((r) => r.method === 'POST' && r.path.endsWith('/stacks'));
    expect(post?.body).toMatchObject({ stack_name: 'port_p1', timeout_mins: 13, tags: 'esi_job_abc,esi_version_1', disable_rollback: true });

    const found = await client.findStack('port_p1');
    expect(found).toMatchObject({ id, status: 'CREATE_COMPLETE', tags: ['esi_job_abc', 'esi_version_1'], timeoutMins: 13 });
    expect(server.requests.some((r) => r.status === 302)).toBe(true);

    await client.updateStack(id, spec({ parameters: { name: 'green' }, tags: ['esi_job_def', 'esi_version_2'] }));
    const updated = await client.waitForStack('port_p1', id, 'UPDATE', { ...wait, accept: (s) => s.tags.includes('esi_job_def') });
    expect(updated).toMatchObject({ status: 'UPDATE_COMPLETE', reason: 'Stack successfully updated' });
    expect(updated?.outputs[0]?.output_value).toBe('green');

    await client.deleteStack('port_p1', id);
    expect(await client.waitForStack('port_p1', id, 'DELETE', wait)).toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(await client.findStack('port_p1')).toBeUndefined();
    // Deleting again is harmless.
    await client.deleteStack('port_p1', id);
  });

  it('reports CREATE_FAILED with Heat’s status_reason', async () => {
    const { client } = await setup({
      run: () => ({ ok: false, reason: 'Resource CREATE failed: BadRequest: resources.vmi: VLAN 1025 in use' }),
    });
    const { id } = await client.createStack(spec());
    const stack = await client.waitForStack('port_p1', id, 'CREATE', wait);
    expect(stack).toMatchObject({ status: 'CREATE_FAILED', reason: 'Resource CREATE failed: BadRequest: resources.vmi: VLAN 1025 in use' });
  });

  it('gives up waiting at the timeout while the stack stays in progress', async () => {
    const { client } = await setup({ run: () => new Promise(() => undefined) });
    const { id } = await client.createStack(spec());
    const started = Date.now();
    const error = await client.waitForStack('port_p1', id, 'CREATE', { timeoutMs: 150, pollMs: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackWaitTimeoutError);
    expect(error).toMatchObject({ lastStatus: 'CREATE_IN_PROGRESS', retryable: false });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refreshes the token before it expires (no request is refused)', async () => {
    const { client, server } = await setup({ tokenTtlMs: 300 });
    const { id } = await client.createStack(spec());
    for (let i = 0; i < 8; i++) {
      await client.getStack('port_p1', id);
      await new Promise((r) => setTimeout(r, 60));
    }
    expect(server.tokensIssued()).toBeGreaterThanOrEqual(2);
    expect(server.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('issues a new token and repeats the call once after a 401', async () => {
    const { client, server } = await setup();
    await client.findStack('port_p1');
    expect(server.tokensIssued()).toBe(1);
    server.revokeTokens();
    const { id } = await client.createStack(spec());
    expect(id).toBeTruthy();
    expect(server.tokensIssued()).toBe(2);
    const posts = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/stacks')).map((r) => r.status);
    expect(posts).toEqual([401, 201]);
  });

  it('refuses bad credentials without retrying', async () => {
    server = await startHeatTestServer();
    const session = new KeystoneSession({ ...server.credentials, password: 'wrong' }, { retry: FAST });
    const error = await new HeatClient(session, { retry: FAST }).findStack('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeystoneAuthError);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(server.requests.filter((r) => r.path === '/v3/auth/tokens')).toHaveLength(1);
  });

  it('retries 5xx with backoff, for Heat and for Keystone', async () => {
    const { client, server } = await setup();
    server.inject({ method: 'POST', path: /^\/v3\/auth\/tokens$/, status: 503 });
    server.inject({ method: 'POST', path: /\/stacks$/, status: 503, count: 2 });
    const { id } = await client.createStack(spec());
    expect(id).toBeTruthy();
    expect(server.requests.filter((r) => r.path === '/v3/auth/tokens').map((r) => r.status)).toEqual([503, 201]);
    expect(server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/stacks')).map((r) => r.status)).toEqual([503, 503, 201]);
    expect(server.stacks()).toHaveLength(1);
  });

  it('fails with a retryable error once the retries are used up', async () => {
    const { client, server } = await setup();
    server.inject({ method: 'GET', status: 500, count: 10 });
    const error = await client.findStack('port_p1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeatApiError);
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect(server.requests.filter((r) => r.method === 'GET')).toHaveLength(FAST.attempts);
  });

  it('answers a repeated create with 409 and a bad template with a non-retryable 400 naming the parameter', async () => {
    const { client } = await setup({
      validate: (request) => {
        if (!('name' in request.parameters)) throw new HeatFault(400, 'UserParameterMissing', 'The Parameter (name) was not provided.');
      },
    });
    const bad = await client.createStack(spec({ parameters: {} })).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, type: 'UserParameterMissing', detail: 'The Parameter (name) was not provided.', retryable: false });
    await client.createStack(spec());
    const again = await client.createStack(spec()).catch((e: unknown) => e);
    expect(again).toMatchObject({ status: 409, type: 'StackExists', retryable: false });
  });

  it('needs an orchestration endpoint in the catalog for the region asked for', async () => {
    server = await startHeatTestServer();
    const session = new KeystoneSession({ ...server.credentials, regionName: 'Elsewhere' }, { retry: FAST });
    await expect(session.token()).rejects.toBeInstanceOf(EndpointNotFoundError);
  });

  it('turns a refused connection into a retryable TransportError', async () => {
    const { client, server } = await setup();
    await client.findStack('x');
    await server.close();
    const error = await client.findStack('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ retryable: true });
  });

  it('accepts OS_AUTH_URL with or without /v3', () => {
    expect(normalizeAuthUrl('http://k:5000')).toBe('http://k:5000/v3');
    expect(normalizeAuthUrl('http://k:5000/v3/')).toBe('http://k:5000/v3');
  });
});
