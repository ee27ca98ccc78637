// Contract tests: the client against the Heat-compatible server over real HTTP.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const session = new KeystoneSession(server.credentials, { requestTimeoutMs: 2_000, ...sessionOptions });
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
    expect(updated).toMatchObject({ status: 'UPDATE_COMPLETE', reason: 'Stack UPDATE completed successfully' });
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
    const session = new KeystoneSession({ ...server.credentials, password: 'wrong' });
    const error = await new HeatClient(session, { retry: FAST }).findStack('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeystoneAuthError);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(server.requests.filter((r) => r.path === '/v3/auth/tokens')).toHaveLength(1);
  });

  it('retries 5xx with backoff, for Heat and for Keystone, in the same loop', async () => {
    const { client, server } = await setup();
    server.inject({ method: 'POST', path: /^\/v3\/auth\/tokens$/, status: 503 });
    server.inject({ method: 'POST', path: /\/stacks$/, status: 503, count: 1 });
    const { id } = await client.createStack(spec());
    expect(id).toBeTruthy();
    // Three tries in all: the token (503), then the create (503), then both succeed.
    expect(server.requests.filter((r) => r.path === '/v3/auth/tokens').map((r) => r.status)).toEqual([503, 201]);
    expect(server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/stacks')).map((r) => r.status)).toEqual([503, 201]);
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
    const session = new KeystoneSession({ ...server.credentials, regionName: 'Elsewhere' });
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

  it('polls without resolving outputs and resolves them once, at the end', async () => {
    // Long enough for several polls even when a busy machine makes each take 100 ms (at
    // 80 ms, one poll and the final show were all a loaded core managed).
    const { client, server } = await setup({ operationDelayMs: 500, run: () => ({ ok: true, outputs: [{ output_key: 'k', output_value: 1, description: 'd' }] }) });
    const { id } = await client.createStack(spec());
    const stack = await client.waitForStack('port_p1', id, 'CREATE', wait);
    expect(stack?.outputs).toEqual([{ output_key: 'k', output_value: 1, description: 'd' }]);
    const shows = server.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${id}`));
    expect(shows.length).toBeGreaterThan(2);
    // Every poll asked Heat not to resolve outputs; only the last show did.
    expect(shows.slice(0, -1).every((r) => r.query.resolve_outputs === 'False')).toBe(true);
    expect(shows.at(-1)?.query).toEqual({});
    expect(server.outputResolutions()).toBe(1);
    // A failed stack's outputs are never resolved.
    server.requests.length = 0;
    expect(await client.getStack('port_p1', id)).toMatchObject({ status: 'CREATE_COMPLETE', outputs: [] });
    expect(server.outputResolutions()).toBe(1);
  });

  it('keeps polling through a failed poll (no retry inside a poll)', async () => {
    const { client, server } = await setup({ operationDelayMs: 60 });
    const { id } = await client.createStack(spec());
    server.inject({ method: 'GET', path: new RegExp(`/${id}$`), status: 503, count: 2 });
    expect(await client.waitForStack('port_p1', id, 'CREATE', wait)).toMatchObject({ status: 'CREATE_COMPLETE' });
    const statuses = server.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${id}`)).map((r) => r.status);
    expect(statuses.slice(0, 2)).toEqual([503, 503]);
  });

  it('honours Retry-After before repeating a request', async () => {
    const { client, server } = await setup();
    await client.findStack('port_p1');
    server.inject({ method: 'POST', path: /\/stacks$/, status: 503, retryAfter: '1' });
    await client.createStack(spec());
    const posts = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/stacks'));
    expect(posts.map((r) => r.status)).toEqual([503, 201]);
    // FAST backs off 5-20 ms; Heat asked for a second.
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives the request up at once when Retry-After is past the cap (the job tries later)', async () => {
    server = await startHeatTestServer();
    const session = new KeystoneSession(server.credentials);
    const client = new HeatClient(session, { retry: { ...FAST, maxRetryAfterMs: 500 } });
    server.inject({ method: 'GET', path: /\/stacks\/port_p1$/, status: 429, retryAfter: '120' });
    const error = await client.findStack('port_p1').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 120_000, decision: 'retry' });
    expect(server.requests.filter((r) => r.path.endsWith('/stacks/port_p1'))).toHaveLength(1);
  });

  it('has one retry loop: a Keystone outage costs `attempts` token requests, not attempts squared', async () => {
    const { client, server } = await setup();
    server.inject({ method: 'POST', path: /^\/v3\/auth\/tokens$/, status: 503, count: 100 });
    const error = await client.findStack('port_p1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeystoneAuthError);
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect(server.requests.filter((r) => r.path === '/v3/auth/tokens')).toHaveLength(FAST.attempts);
  });

  it('reports every answer with Heat’s request id, and carries it in errors', async () => {
    server = await startHeatTestServer();
    const seen: { status: number; requestId: string | undefined }[] = [];
    const client = new HeatClient(new KeystoneSession(server.credentials), { retry: FAST, onResponse: (x) => seen.push(x) });
    await client.findStack('port_p1');
    server.inject({ method: 'POST', path: /\/stacks$/, status: 400, type: 'StackValidationFailed', message: 'Property error: resources.port' });
    const error = (await client.createStack(spec()).catch((e: unknown) => e)) as HeatApiError;
    const heatAnswers = server.requests.filter((r) => r.path.startsWith('/v1/'));
    expect(seen.map((x) => x.requestId)).toEqual(heatAnswers.map((r) => r.requestId));
    expect(seen.every((x) => /^req-[0-9a-f-]{36}$/.test(x.requestId ?? ''))).toBe(true);
    expect(error.requestId).toBe(heatAnswers.at(-1)!.requestId);
    expect(error.message).toContain(`[${error.requestId}]`);
    expect(error).toMatchObject({ decision: 'input', retryable: false });
  });

  it('scopes the token by project id and domain ids when given (OS_PROJECT_ID, OS_*_DOMAIN_ID)', async () => {
    server = await startHeatTestServer();
    const { projectName: _n, userDomainName: _u, projectDomainName: _p, ...rest } = server.credentials;
    const byId = new KeystoneSession({ ...rest, projectId: server.projectId, userDomainId: 'default' });
    expect((await byId.token()).projectId).toBe(server.projectId);
    expect(server.requests.at(-1)?.body).toMatchObject({
      auth: { identity: { password: { user: { domain: { id: 'default' } } } }, scope: { project: { id: server.projectId } } },
    });
    const byNameInDomainId = new KeystoneSession({ ...rest, projectName: 'esi', projectDomainId: 'default', userDomainId: 'default' });
    await byNameInDomainId.token();
    const wrongDomain = new KeystoneSession({ ...rest, projectName: 'esi', projectDomainId: 'other', userDomainId: 'default' });
    await expect(wrongDomain.token()).rejects.toMatchObject({ status: 401 });
    expect(() => new KeystoneSession({ ...rest })).toThrow(/project id or a project name/);
  });

  it('trusts the CA given (OS_CACERT) for an https Keystone and Heat, and only then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esi-heat-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    server = await startHeatTestServer({ tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert } });
    expect(server.url).toMatch(/^https:/);
    const trusting = new HeatClient(new KeystoneSession(server.credentials, { caCert: cert }), { retry: FAST });
    expect(await trusting.findStack('port_p1')).toBeUndefined();
    const untrusting = new HeatClient(new KeystoneSession(server.credentials), { retry: { ...FAST, attempts: 1 } });
    const error = await untrusting.findStack('port_p1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(String(error)).toMatch(/self.signed|certificate/i);
  });

  it('lists stacks by tags with Heat’s query parameters', async () => {
    const { client } = await setup();
    await client.createStack(spec({ name: 'a', tags: ['x', 'y'] }));
    await client.createStack(spec({ name: 'b', tags: ['y'] }));
    await client.createStack(spec({ name: 'c', tags: [] }));
    const names = async (filter: Parameters<HeatClient['listStacks']>[0]) => (await client.listStacks(filter)).map((s) => s.name).sort();
    expect(await names({ tags: ['x', 'y'] })).toEqual(['a']);
    expect(await names({ tagsAny: ['x', 'y'] })).toEqual(['a', 'b']);
    expect(await names({ notTags: ['x', 'y'] })).toEqual(['b', 'c']);
    expect(await names({ notTagsAny: ['y'] })).toEqual(['c']);
    expect(await names({})).toEqual(['a', 'b', 'c']);
  });
});
