/**
 * Auth fails closed. The api refuses to start (exit 2, a message saying what to set,
 * no secret in it) when its tokens setting or file is present but blank, when it would
 * serve open on a non-loopback address without ESI_API_ALLOW_OPEN=true, when TLS is
 * half configured, and when a token entry is malformed; a NATS URL with a password in
 * it is refused too. On a running stack whose NATS requires a login (the compose
 * stack's own nats.conf), every service logs in, a call without a valid token gets
 * UNAUTHENTICATED and writes nothing, and no token or password reaches any log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTcp } from 'node:net';
import { status } from '@grpc/grpc-js';
import { connect } from '@nats-io/transport-node';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES, STREAMS } from '@esi/contracts';
import { connectMessaging, type Messaging } from '@esi/messaging';
import { startService, startStack, type Stack } from '@esi/local-stack';
import { createResource, getResource, listResources, listTemplates, planChange, resourceClient, watchResources, type ResourceClient } from '@esi/client';
import { freePort, startEtcd, type RunningServer } from '@esi/test-servers';
import { waitFor } from '../support/wait.js';
import { rejection } from '../support/rejection.js';
import { localNatsConf } from '../support/nats-conf.js';

const NATS_PASSWORD = 'nats-login-secret-4711';
const TOKENS = { admin: 'auth-admin-token-0815', tenant: 'auth-tenant-token-0816' };
const SECRETS = [NATS_PASSWORD, TOKENS.admin, TOKENS.tenant];

const dir = mkdtempSync(join(tmpdir(), 'esi-security-auth-'));
let natsPort: number;
let nats: ChildProcess | undefined;
let etcdForRefusals: RunningServer | undefined;
let stack: Stack | undefined;
let etcd: Etcd3 | undefined;
let m: Messaging | undefined;
const clients: ResourceClient[] = [];

/** The compose stack's nats.conf (login required), on a free loopback port with local storage. */
async function startNatsWithLogin(): Promise<void> {
  natsPort = await freePort();
  const conf = localNatsConf('deploy/nats/nats.conf', dir, { storeDir: join(dir, 'nats'), port: natsPort });
  nats = spawn('nats-server', ['-c', conf], { env: { ...process.env, ESI_NATS_PASSWORD_QUOTED: `'${NATS_PASSWORD}'` }, stdio: 'ignore' });
  await waitFor('nats-server with a login', () => portOpen(natsPort), 20_000, 100);
}

function portOpen(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const s = connectTcp(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(undefined));
  });
}

/**
 * Starts an api with `env` and expects it to exit 2 before it is ready; returns what it
 * printed, raw (to look for secrets) and as its log messages (to read).
 */
async function refusedStart(env: Record<string, string>): Promise<{ raw: string; messages: string }> {
  const lines: string[] = [];
  // Only what the case sets: none of the runner's own ESI_API_* settings leak in.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ESI_API_') && !k.startsWith('NATS_')));
  const svc = startService('api', {
    env: { ...inherited, NATS_URL: `nats://127.0.0.1:${natsPort}`, ETCD_ENDPOINTS: etcdForRefusals!.url, ESI_API_ADDR: `127.0.0.1:${await freePort()}`, ...env },
    logDir: mkdtempSync(join(dir, 'refused-')),
    onLine: (_name, line) => void lines.push(line),
    readyTimeoutMs: 30_000,
  });
  await expect(svc.ready).rejects.toThrow(/exited \(2\)/);
  await svc.process.stop();
  const messages = lines.map((line) => {
    try {
      return String((JSON.parse(line) as { msg?: unknown }).msg ?? '');
    } catch {
      return line;
    }
  });
  return { raw: lines.join('\n'), messages: messages.join('\n') };
}

beforeAll(async () => {
  await startNatsWithLogin();
  etcdForRefusals = await startEtcd(join(dir, 'refusals'));
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await m?.nc.close();
  etcd?.close();
  await stack?.stop();
  await etcdForRefusals?.stop();
  nats?.kill('SIGTERM');
});

describe('the api refuses to start', () => {
  const blankFile = join(dir, 'blank-tokens');
  writeFileSync(blankFile, '# tokens go here, one <token>=admin or <token>=tenant:<id> a line\n\n  \n');
  const caCert = join(dir, 'some.pem');
  writeFileSync(caCert, 'not read: refused before\n');

  const cases: [string, Record<string, string>, RegExp][] = [
    ['ESI_API_TOKENS set but empty', { ESI_API_TOKENS: '' }, /ESI_API_TOKENS \(value not shown\): ESI_API_TOKENS is set but holds no token entry.*ESI_API_ALLOW_OPEN=true/],
    ['ESI_API_TOKENS of blanks and commas', { ESI_API_TOKENS: ' , ,  ' }, /ESI_API_TOKENS is set but holds no token entry/],
    ['a token file of comments and blank lines', { ESI_API_TOKENS_FILE: blankFile }, new RegExp(`${blankFile} is set but holds no token entry`)],
    ['open mode on a non-loopback address', { ESI_API_ADDR: '0.0.0.0:1' }, /not a loopback address and no API tokens are configured.*set ESI_API_TOKENS or ESI_API_TOKENS_FILE.*ESI_API_ALLOW_OPEN=true/],
    ['a client CA without a server certificate', { ESI_API_TLS_CLIENT_CA: caCert }, /ESI_API_TLS_CLIENT_CA requires ESI_API_TLS_CERT and ESI_API_TLS_KEY/],
    ['a certificate without its key', { ESI_API_TLS_CERT: caCert }, /ESI_API_TLS_CERT is set without ESI_API_TLS_KEY/],
    ['a NATS URL with a password in it', { NATS_URL: `nats://esi:${NATS_PASSWORD}@127.0.0.1:4222` }, /NATS_URL="nats:\/\/\*\*\*@127\.0\.0\.1:4222": credentials in the URL are not accepted/],
    ['a NATS user without a password', { NATS_USER: 'esi' }, /NATS_USER and NATS_PASSWORD go together/],
  ];
  it.each(cases)('%s: exit 2 with a message saying what to set', async (_name, env, message) => {
    const printed = await refusedStart(env);
    expect(printed.messages).toMatch(message);
    for (const s of SECRETS) expect(printed.raw).not.toContain(s);
  });

  it('a malformed token entry: exit 2 naming the entry by position, printing no token (its own nor its neighbours’)', async () => {
    const entries = ['good-admin-token-aaaa=admin', 'typo-secret-token-bbbb=tenat:acme', 'good-tenant-token-cccc=tenant:beta'];
    const printed = await refusedStart({ ESI_API_TOKENS: entries.join(',') });
    expect(printed.messages).toMatch(/ESI_API_TOKENS \(value not shown\): ESI_API_TOKENS, entry 2: an entry must end in =admin or =tenant:<id>/);
    for (const e of entries) {
      expect(printed.raw).not.toContain(e.split('=')[0]);
    }
    expect(printed.raw).not.toContain('tenat:acme');
  });
});

describe('a stack on a NATS that requires a login, with tokens', () => {
  beforeAll(async () => {
    stack = await startStack({
      natsUrl: `nats://127.0.0.1:${natsPort}`,
      env: { NATS_USER: 'esi', NATS_PASSWORD: NATS_PASSWORD, ESI_API_TOKENS: `${TOKENS.admin}=admin,${TOKENS.tenant}=tenant:tenant-a` },
    });
    etcd = new Etcd3({ hosts: stack.etcdEndpoints });
    m = await connectMessaging([stack.natsUrl], 'auth-test', { user: 'esi', pass: NATS_PASSWORD });
  }, 120_000);

  const client = (token?: string): ResourceClient => {
    const c = resourceClient(stack!.apiAddr, { token });
    clients.push(c);
    return c;
  };

  const written = async (): Promise<{ config: string[]; configMessages: number }> => ({
    config: Object.entries(await etcd!.getAll().prefix('/config/').strings()).map(([k, v]) => `${k}=${v}`).sort(),
    configMessages: (await m!.jsm.streams.info(STREAMS.config.name)).state.messages,
  });

  it('NATS turns away a client without the login', async () => {
    await expect(connect({ servers: stack!.natsUrl, reconnect: false, timeout: 5_000 })).rejects.toThrow(/authorization|auth/i);
  });

  it('every service logged in: a change settles through all five', async () => {
    const admin = client(TOKENS.admin);
    const id = (await createResource(admin, 'network', { name: 'auth-net', admin_state_up: true, tenant_id: 'tenant-a' })).resource!.id;
    const state = await waitFor('network state', async () => {
      const r = (await getResource(admin, 'network', id)).resource!;
      return r.stateJson ? (JSON.parse(r.stateJson) as { state: { worker_state: string } }) : undefined;
    });
    expect(state.state.worker_state).toBe('CREATE_COMPLETED');
  });

  it('a call without a valid token gets UNAUTHENTICATED on every entry point and writes nothing', async () => {
    const before = await written();
    const anonymous = client();
    const stranger = client('not-a-token-anyone-issued');
    for (const c of [anonymous, stranger]) {
      const calls: [string, () => Promise<unknown>][] = [
        ['Create', () => createResource(c, 'network', { name: 'sneaky', tenant_id: 'tenant-a' })],
        ['Plan template', () => planChange(c, { template: { templateId: 'x', bodyJson: '{"id":"x"}', sampleInputJson: '' } })],
        ['List', () => listResources(c, 'network')],
        ['ListTemplates', () => listTemplates(c)],
        ['Watch', () => watchResources(c, { resourceType: 'network' }, () => undefined).done],
      ];
      for (const [name, run] of calls) {
        const err = await rejection(run(), name);
        expect(err.code, `${name}: ${err.details}`).toBe(status.UNAUTHENTICATED);
      }
    }
    expect(await written()).toEqual(before);
  });

  it('no token and no NATS password appears in any service log', async () => {
    const logs = join(stack!.dataDir, 'logs');
    const files = readdirSync(logs).filter((f) => f.endsWith('.log'));
    expect(files.map((f) => f.replace(/\.log$/, ''))).toEqual(expect.arrayContaining([...SERVICE_NAMES]));
    for (const f of files) {
      const text = readFileSync(join(logs, f), 'utf8');
      for (const s of SECRETS) expect(text, `${f} holds a secret`).not.toContain(s);
    }
    // The api did log its auth mode and the (credential-free) NATS URL.
    expect(readFileSync(join(logs, 'api.log'), 'utf8')).toMatch(/"auth":"tokens"/);
  });
});
