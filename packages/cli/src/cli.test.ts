/**
 * esictl against a real stack, run in-process with captured output: create/update/
 * delete from JSON and YAML files, get, list, watch, plan, explain, history, the live
 * DAG view, templates, --json output and exit codes — and the example build submitted
 * and followed until every resource settled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { REPO_ROOT, startStack, type Stack } from '@esi/local-stack';
import type { Io } from './io.js';
import { run } from './run.js';

let stack: Stack;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  stack = await startStack({ env: { ESI_POLL_INTERVAL_MS: '300' } });
  env = { ESI_API_ADDR: stack.apiAddr };
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

interface Captured {
  code: number;
  out: string[];
  err: string[];
  text: string;
}

/** Runs one esictl command; `files` are what --file names resolve to. */
async function esictl(argv: string, files: Record<string, string> = {}): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    tty: false,
    readStdin: async () => files['-'] ?? '',
    readFile: (p) => {
      if (p in files) return files[p]!;
      return readFileSync(p, 'utf8');
    },
    onInterrupt: () => () => undefined,
  };
  const code = await run(argv.split(' ').filter(Boolean), io, env);
  return { code, out, err, text: out.join('\n') };
}

const json = (c: Captured): Record<string, unknown> => JSON.parse(c.text) as Record<string, unknown>;

describe('esictl', () => {
  it('prints its usage, and exits 2 on a usage error', async () => {
    const help = await esictl('--help');
    expect(help.code).toBe(0);
    expect(help.text).toContain('progress <type> <id>');
    expect((await esictl('frobnicate')).code).toBe(2);
    expect((await esictl('create network')).code).toBe(2);
    const unreadable = await esictl('create network --file /nonexistent.yaml');
    expect([unreadable.code, unreadable.err[0]]).toEqual([2, expect.stringContaining('cannot read /nonexistent.yaml')]);
  });

  it('creates from YAML and JSON, gets, updates at a version and lists', async () => {
    const yaml = 'id: cli-net\nname: from yaml\ntenant_id: cli-tenant\nadmin_state_up: true\n';
    const created = await esictl('create network --file net.yaml', { 'net.yaml': yaml });
    expect([created.code, created.text]).toEqual([0, 'created network cli-net (version 1)']);
    const fromJson = await esictl('create network --file - --json', { '-': '{"id":"cli-net-2","name":"from json","tenant_id":"cli-tenant"}' });
    expect(json(fromJson)).toMatchObject({ id: 'cli-net-2', version: 1, body: { name: 'from json' } });

    const got = json(await esictl('get network cli-net --json'));
    expect(got).toMatchObject({ resource_type: 'network', id: 'cli-net', version: 1, body: { name: 'from yaml', admin_state_up: true } });
    expect((await esictl('get network cli-net')).text).toContain('version:     1');

    const updated = await esictl('update network cli-net --file patch.json --expect-version 1', { 'patch.json': '{"name":"renamed"}' });
    expect(updated.text).toBe('updated network cli-net (version 2)');
    const stale = await esictl('update network cli-net --file patch.json --expect-version 1', { 'patch.json': '{"name":"again"}' });
    expect([stale.code, stale.err[0]]).toEqual([1, expect.stringContaining('FAILED_PRECONDITION')]);

    const listed = json(await esictl('list network --tenant cli-tenant --json')) as { resources: { id: string }[] };
    expect(listed.resources.map((r) => r.id)).toEqual(['cli-net', 'cli-net-2']);
    const paged = await esictl('list network --tenant cli-tenant --page-size 1');
    expect(paged.out[1]).toMatch(/^\(more: --page-token \S+, or --all\)$/);
  });

  it('reports a refused body with its field, as text and as JSON', async () => {
    const bad = await esictl('create subnet --file s.json', { 's.json': '{"network_id":"cli-net","cidr":"10.0.0.0/40"}' });
    expect([bad.code, bad.err[0]]).toEqual([1, 'esictl: INVALID_ARGUMENT: body_json.cidr: must be a cidr address']);
    const badJson = await esictl('create subnet --file s.json --json', { 's.json': '{"network_id":"nope","cidr":"10.0.0.0/24"}' });
    expect(JSON.parse(badJson.err[0]!)).toEqual({ error: { code: 'INVALID_ARGUMENT', details: expect.stringContaining('which does not exist'), field: 'body_json.network_id' } });
  });

  it('watches until a state is reached, and explains a settled resource', async () => {
    const watched = await esictl('watch network cli-net --current --until CREATE_COMPLETED');
    expect(watched.code).toBe(0);
    expect(watched.text).toMatch(/network cli-net state: CREATE_COMPLETED at version 2/);
    expect(watched.err[0]).toMatch(/^resume with --from-revision \d+$/);
    const explained = await esictl('explain network cli-net');
    expect(explained.text.split('\n')[0]).toBe('network cli-net is settled: CREATE_COMPLETED at version 2');
    const asJson = json(await esictl('explain network cli-net --json'));
    expect(asJson.summary).toBe('network cli-net is settled: CREATE_COMPLETED at version 2');
  });

  it('previews a create without writing it', async () => {
    const body = JSON.stringify({ network_id: 'cli-net', cidr: '10.1.0.0/24', allocation_pools: [], dns_nameservers: [], host_routes: [], ntp_servers: [], gateway_ip: '10.1.0.1', enable_dhcp: false });
    const planned = await esictl('plan create subnet cli-sub --file s.json', { 's.json': body });
    expect(planned.code).toBe(0);
    expect(planned.text).toContain('plan for cli-sub version 1: planned (create)');
    expect(planned.text).toContain('job create:heat_worker:subnet:cli-sub:1:dryrn');
    const asJson = json(await esictl('plan create subnet cli-sub --file s.json --json', { 's.json': body })) as { jobs: { params: { param: string; resolved: unknown }[] }[] };
    expect(asJson.jobs[0]!.params.find((p) => p.param === 'cidr')!.resolved).toBe('10.1.0.0/24');
    expect((await esictl('get subnet cli-sub')).code).toBe(1);
  });

  it('shows the live job DAG until the resource settles, and its history', async () => {
    await esictl('create network --file n.json', { 'n.json': '{"id":"cli-dag","name":"dag","tenant_id":"cli-tenant"}' });
    const live = await esictl('progress network cli-dag --interval 200');
    expect(live.code).toBe(0);
    expect(live.text).toContain('network cli-dag  version 1');
    // How long a job took shows only when the view saw it start; a fast one may finish first.
    expect(live.text).toMatch(/finished\s+(-|\d+\.\ds)\s+create:heat_worker:network:cli-dag:1:/);
    expect(live.text).toMatch(/finished\s+(-|\d+\.\ds)\s+create:monitoring_worker:network:cli-dag:1:/);
    expect(live.out.at(-1)).toContain('is settled: CREATE_COMPLETED at version 1');
    const once = await esictl('progress network cli-dag --once --json');
    expect(JSON.parse(once.out[0]!)).toMatchObject({ settled: true });

    const history = json(await esictl('history network cli-dag --json')) as { events: { kind: string }[] };
    expect(history.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['config', 'job_result', 'state']));
    expect((await esictl('history network cli-dag')).text).toMatch(/state\s+CREATE_COMPLETED at version 1/);
  });

  it('lists, gets and puts templates', async () => {
    const listed = await esictl('template list --handler monitoring_worker');
    expect(listed.text).toContain('network_monitoring');
    const got = json(await esictl('template get network --json')) as { body: Record<string, unknown> };
    const yamlFile = `id: network_cli\nhandler: heat_worker\nparameter_mappings:\n  name: Pid\n  uuid: Pid\n  admin_state_up: Padmin_state_up\ntemplate_file: ${JSON.stringify(got.body.template_file)}\n`;
    const put = await esictl('template put --file t.yaml', { 't.yaml': yamlFile });
    expect([put.code, put.text]).toEqual([0, 'stored template network_cli (version 1)']);
    const refused = await esictl('template put --file t.json', { 't.json': JSON.stringify({ ...got.body, id: 'broken_cli', template_file: '{% for %}' }) });
    expect([refused.code, refused.err[0]]).toEqual([1, expect.stringContaining('INVALID_ARGUMENT: body_json.template_file')]);
    const preview = await esictl('plan template network_cli');
    expect(preview.text).toContain('template network_cli: would be accepted');
  });

  it('deletes in two steps', async () => {
    const marked = await esictl('delete network cli-net-2');
    expect(marked.text).toBe('marked network cli-net-2 for deletion (version 2); it is removed once DELETE_COMPLETED');
    const gone = await waitForExit(() => esictl('get network cli-net-2'), 1);
    expect(gone.err[0]).toContain('NOT_FOUND');
  });

  it('submits the example build and follows it until every resource settled', async () => {
    const file = join(REPO_ROOT, 'packages/catalog/examples/internet-gateway.json');
    const built = await esictl(`build ${file} --wait --wait-timeout 90000`);
    expect(built.err).toEqual([]);
    expect(built.code).toBe(0);
    expect(built.out.filter((l) => l.startsWith('created '))).toHaveLength(JSON.parse(readFileSync(file, 'utf8')).length);
    expect(built.out.at(-1)).toMatch(/^all \d+ resources settled in [\d.]+s$/);
    expect(built.text).toMatch(/ese_logical_port \S+ state: CREATE_COMPLETED at version 1/);
  }, 120_000);
});

async function waitForExit(fn: () => Promise<Captured>, code: number, timeoutMs = 20_000): Promise<Captured> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await fn();
    if (c.code === code || Date.now() > deadline) return c;
    await new Promise((r) => setTimeout(r, 250));
  }
}
