/**
 * A Heat-compatible HTTP server for tests: Keystone's token API and Heat's stack API on
 * one loopback port. It records every request, can be told to fail requests (faults)
 * and to revoke every token, and ends operations as its `run` hook says.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KeystoneCredentials } from '../keystone.js';
import { FakeHeat } from './fake-heat.js';
import { FakeKeystone, type KeystoneAccount } from './fake-keystone.js';
import { heatErrorBody } from './heat-fault.js';
import { json, type Reply } from './reply.js';
import type { EngineMode, Fault, OperationResult, RecordedRequest, StackOperationInfo, StackRequestInfo, TestStack } from './types.js';

export interface HeatTestServerOptions extends Partial<KeystoneAccount> {
  /** Lifetime of the tokens it issues (default one hour). */
  readonly tokenTtlMs?: number;
  /** Which Heat engine to behave like (default `convergence`, Heat's default). */
  readonly engine?: EngineMode;
  /** How long stacks stay *_IN_PROGRESS before the operation ends (default 20 ms). */
  readonly operationDelayMs?: number;
  /** The length of a timeout_mins minute (default 60 s; tests shorten it to see Heat's timeout). */
  readonly minuteMs?: number;
  /** Heat's max_stacks_per_tenant (default: no limit). */
  readonly maxStacks?: number;
  /** Serve https with this PEM key and certificate (for OS_CACERT tests); http otherwise. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Refuse a create/update: throw HeatFault (or any error, answered as 400 StackValidationFailed). */
  readonly validate?: (request: StackRequestInfo) => void;
  /** How an operation ends (default: success, no outputs); a promise that never settles holds it in progress. */
  readonly run?: (operation: StackOperationInfo) => OperationResult | Promise<OperationResult>;
}

export interface HeatTestServer {
  /** `http://127.0.0.1:<port>` (https with `tls`) */
  readonly url: string;
  /** Keystone's root, `<url>/v3`. */
  readonly authUrl: string;
  readonly projectId: string;
  readonly engine: EngineMode;
  /** Credentials that authenticate against this server. */
  readonly credentials: KeystoneCredentials;
  readonly requests: RecordedRequest[];
  /** Every stack ever made, deleted ones included. */
  stacks(): readonly TestStack[];
  /** Tokens issued so far. */
  tokensIssued(): number;
  /** Stack shows that resolved outputs (asked without `resolve_outputs=False`). */
  outputResolutions(): number;
  /** Answer matching requests with an error status (`count` times, default once). */
  inject(fault: Fault): void;
  /** Every issued token stops working (the next Heat call gets 401). */
  revokeTokens(): void;
  close(): Promise<void>;
}

interface ArmedFault extends Fault {
  left: number;
}

export async function startHeatTestServer(options: HeatTestServerOptions = {}): Promise<HeatTestServer> {
  const account: KeystoneAccount = {
    username: options.username ?? 'esi',
    password: options.password ?? 'esi-secret',
    userDomainName: options.userDomainName ?? 'Default',
    userDomainId: options.userDomainId ?? 'default',
    projectName: options.projectName ?? 'esi',
    projectDomainName: options.projectDomainName ?? 'Default',
    projectDomainId: options.projectDomainId ?? 'default',
    projectId: options.projectId ?? '6b1d0c4e2f3a4b5c8d9e0f1a2b3c4d5e',
    region: options.region ?? 'RegionOne',
  };
  let url = '';
  const keystone = new FakeKeystone(account, options.tokenTtlMs ?? 3_600_000, () => url);
  const engine = options.engine ?? 'convergence';
  const heat = new FakeHeat(
    {
      engine,
      operationDelayMs: options.operationDelayMs ?? 20,
      minuteMs: options.minuteMs ?? 60_000,
      maxStacks: options.maxStacks,
      validate: options.validate,
      run: options.run,
    },
    () => url,
  );
  const requests: RecordedRequest[] = [];
  const faults: ArmedFault[] = [];

  const route = (method: string, path: string, query: URLSearchParams, body: unknown, token: string | undefined): Reply => {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] === 'v3' && segments[1] === 'auth' && segments[2] === 'tokens' && segments.length === 3) {
      return method === 'POST' ? keystone.issue(body) : json(405);
    }
    if (segments[0] === 'v1' && segments[2] === 'stacks') {
      const project = keystone.check(token);
      if (project === undefined) return keystone.unauthorized();
      if (segments[1] !== project) return json(403, heatErrorBody(403, 'Forbidden', 'token not scoped to this project'));
      return heat.route(method, segments.slice(3), query, body, project);
    }
    return json(404, heatErrorBody(404, 'NotFound', `no route ${method} ${path}`));
  };

  const takeFault = (method: string, path: string): ArmedFault | undefined => {
    const fault = faults.find((f) => f.left > 0 && (f.method === undefined || f.method === method) && (f.path?.test(path) ?? true));
    if (fault) fault.left -= 1;
    return fault;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const parsed = new URL(req.url ?? '/', 'http://x');
      const path = parsed.pathname;
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const fault = takeFault(method, path);
      let reply: Reply;
      if (fault && !fault.afterHandling) reply = faultReply(fault);
      else {
        reply = route(method, path, parsed.searchParams, body, header(req, 'x-auth-token'));
        if (fault) reply = faultReply(fault);
      }
      // Heat and Keystone name every answer so it can be found in their logs.
      const requestId = `req-${randomUUID()}`;
      requests.push({ method, path, query: Object.fromEntries(parsed.searchParams), requestId, status: reply.status, body, at: Date.now() });
      const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        ...(payload ? { 'Content-Type': 'application/json' } : {}),
        'x-openstack-request-id': requestId,
        ...reply.headers,
      });
      res.end(payload);
    });
  };
  const server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    authUrl: `${url}/v3`,
    projectId: account.projectId,
    engine,
    credentials: {
      authUrl: `${url}/v3`,
      username: account.username,
      password: account.password,
      projectName: account.projectName,
      userDomainName: account.userDomainName,
      projectDomainName: account.projectDomainName,
      regionName: account.region,
      interface: 'public',
    },
    requests,
    stacks: () => heat.stacks,
    tokensIssued: () => keystone.issued,
    outputResolutions: () => heat.outputResolutions,
    inject: (fault) => void faults.push({ ...fault, left: fault.count ?? 1 }),
    revokeTokens: () => keystone.revokeAll(),
    close: async () => {
      heat.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function faultReply(fault: Fault): Reply {
  const body = heatErrorBody(fault.status, fault.type ?? 'InjectedFault', fault.message ?? `injected HTTP ${fault.status}`);
  return json(fault.status, body, fault.retryAfter === undefined ? undefined : { 'Retry-After': fault.retryAfter });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
