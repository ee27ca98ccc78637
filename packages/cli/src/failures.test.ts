/**
 * esictl on a real stack (nats-server and etcd on loopback, the five services) when a
 * resource ends CREATE_FAILED: `build --wait`, `progress` and `watch --until` exit 1 and
 * name the resource and its error, while the resources that succeeded still show as
 * settled. Two failures, as they happen: a change that cannot be planned (a physical
 * port on a switch without a management address) and a heat job whose template does not
 * render (a broken template written into etcd around the api's checks).
 */
import { Etcd3 } from 'etcd3';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '@esi/local-stack';
import type { Io } from './io.js';
import { run } from './run.js';

let stack: Stack;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  stack = await startStack({ env: { ESI_POLL_INTERVAL_MS: '300' }, deviceSimulator: false });
  env = { ESI_API_ADDR: stack.apiAddr };
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

interface Captured {
  code: number;
  out: string[];
  err: string[];
}

async function esictl(argv: string, files: Record<string, string> = {}): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(...t.split('\n')),
    tty: false,
    readStdin: async () => files['-'] ?? '',
    readFile: (p) => (p in files ? files[p]! : readFileSync(p, 'utf8')),
    onInterrupt: () => () => undefined,
  };
  const code = await run(argv.split(' ').filter(Boolean), io, env);
  return { code, out, err };
}

/**
 * A good network, and a switch without a management address: its monitoring item lacks
 * an ip, and the planner cannot plan the physical port on it.
 */
const BUILD = JSON.stringify([
  { ref: 'net', type: 'network', body: { name: 'fine', tenant_id: 'cli-fail' } },
  { ref: 'switch', type: 'ese_device', body: { name: 'no-ip', hostname: 'no-ip', existing: 'existing', tenant_id: 'cli-fail' } },
  { ref: 'port', type: 'ese_physical_port', body: { name: 'xe-0/0/1', ese_device_id: '$ref:switch', existing: 'new', tenant_id: 'cli-fail' } },
]);

describe('a resource that ends CREATE_FAILED', () => {
  let portId = '';
  let switchId = '';

  it('build --wait exits 1 and names the failed resource and its error; the others settled', async () => {
    const built = await esictl('build b.json --wait --wait-timeout 90000', { 'b.json': BUILD });
    portId = /^created ese_physical_port port (\S+)$/m.exec(built.out.join('\n'))?.[1] ?? '';
    switchId = /^created ese_device switch (\S+)$/m.exec(built.out.join('\n'))?.[1] ?? '';
    expect([portId, switchId]).not.toContain('');
    expect(built.code).toBe(1);
    expect(built.out.join('\n')).toMatch(/net: \[\d+\] network \S+ state: CREATE_COMPLETED at version 1/);
    expect(built.out.at(-1)).toMatch(/^all 3 resources settled in [\d.]+s; 2 failed$/);
    expect(built.err).toEqual([
      'esictl: 2 of 3 resources failed:',
      expect.stringMatching(/^ {2}ese_device \S+ \(switch\): CREATE_FAILED at version 1: monitoring template ese_device_monitoring: .*lacks ip$/),
      expect.stringMatching(new RegExp(`^ {2}ese_physical_port ${portId} \\(port\\): CREATE_FAILED at version 1: template ese_physical_port_monitoring: .*management_ip_address`)),
    ]);

    const asJson = await esictl('build b.json --wait --wait-timeout 90000 --json', { 'b.json': BUILD });
    expect(asJson.code).toBe(1);
    const error = (JSON.parse(asJson.err[0]!) as { error: { code: string; failed: Record<string, unknown>[] } }).error;
    expect(error.code).toBe('RESOURCE_FAILED');
    expect(error.failed).toEqual([
      expect.objectContaining({ resource_type: 'ese_device', ref: 'switch', worker_state: 'CREATE_FAILED', error: expect.stringContaining('lacks ip') }),
      expect.objectContaining({ resource_type: 'ese_physical_port', ref: 'port', worker_state: 'CREATE_FAILED', version: 1, error: expect.stringContaining('management_ip_address') }),
    ]);
  }, 120_000);

  it('progress exits 1 once it sees it settled FAILED, naming it and its error', async () => {
    const live = await esictl(`progress ese_physical_port ${portId} --interval 200`);
    expect(live.code).toBe(1);
    expect(live.out.join('\n')).toContain(`ese_physical_port ${portId}  version 1  state CREATE_FAILED`);
    expect(live.err[0]).toBe('esictl: the resource failed:');
    expect(live.err[1]).toMatch(new RegExp(`^ {2}ese_physical_port ${portId}: CREATE_FAILED at version 1: .*management_ip_address`));
    const once = await esictl(`progress ese_physical_port ${portId} --once --json`);
    expect(once.code).toBe(1);
    expect(JSON.parse(once.err[0]!)).toMatchObject({ error: { code: 'RESOURCE_FAILED', failed: [{ id: portId, worker_state: 'CREATE_FAILED' }] } });
  });

  it('watch --until CREATE_COMPLETED exits 1 at the FAILED state; --until CREATE_FAILED exits 0', async () => {
    const watched = await esictl(`watch ese_physical_port ${portId} --current --until CREATE_COMPLETED`);
    expect(watched.code).toBe(1);
    expect(watched.err[0]).toBe('esictl: the resource failed:');
    expect(watched.err[1]).toMatch(new RegExp(`^ {2}ese_physical_port ${portId}: CREATE_FAILED at version 1: .*management_ip_address`));
    expect(watched.err.at(-1)).toMatch(/^resume with --from-revision \d+$/);
    const expected = await esictl(`watch ese_physical_port ${portId} --current --until CREATE_FAILED`);
    expect(expected.code).toBe(0);
  });

  it('a heat job that fails while followed: watch --until and progress exit 1 with the job error', async () => {
    const etcd = new Etcd3({ hosts: stack.etcdEndpoints });
    const key = '/config/v2.0/heat_templates/network';
    const original = (await etcd.get(key).string())!;
    const stored = JSON.parse(original) as { body: string; version: number };
    // The api refuses such a template, so it goes into etcd around it, as a bad migration would.
    const broken = { ...(JSON.parse(stored.body) as Record<string, unknown>), template_file: '{% for %}' };
    await etcd.put(key).value(JSON.stringify({ body: JSON.stringify(broken), marked_for_deletion: false, version: stored.version + 1 }));
    try {
      // From the revision before the create: the watch sees every change, however late it starts.
      const from = Number((await etcd.get(key).exec()).header.revision) + 1;
      const created = await esictl('create network --file n.json', { 'n.json': '{"id":"cli-heat-fail","name":"doomed","tenant_id":"cli-fail"}' });
      expect(created.code).toBe(0);
      const [live, watched] = await Promise.all([
        esictl('progress network cli-heat-fail --interval 200'),
        esictl(`watch network cli-heat-fail --from-revision ${from} --until CREATE_COMPLETED`),
      ]);
      for (const c of [live, watched]) {
        expect(c.code).toBe(1);
        expect(c.err[0]).toBe('esictl: the resource failed:');
        expect(c.err[1]).toMatch(/^ {2}network cli-heat-fail: CREATE_FAILED at version 1: .*template network does not render/);
      }
    } finally {
      await etcd.put(key).value(original);
      etcd.close();
    }
  }, 60_000);

  it('plan exits 1 when the change it previews would fail, or the template would be refused', async () => {
    const port = JSON.stringify({ name: 'xe-0/0/2', ese_device_id: switchId, existing: 'new', tenant_id: 'cli-fail' });
    const planned = await esictl('plan create ese_physical_port --file p.json', { 'p.json': port });
    expect(planned.code).toBe(1);
    expect(planned.out.join('\n')).toContain(': failed (create)');
    expect(planned.err[0]).toMatch(/^esictl: the change would fail: template ese_physical_port_monitoring: .*management_ip_address/);
    const template = await esictl('template get network --json');
    const body = { ...(JSON.parse(template.out.join('\n')) as { body: Record<string, unknown> }).body, template_file: '{% for %}' };
    const refused = await esictl('plan template network --file t.json', { 't.json': JSON.stringify(body) });
    expect([refused.code, refused.err]).toEqual([1, ['esictl: the template would be refused']]);
    expect(refused.out.join('\n')).toContain('template network: would be refused');
  });

  it('a build whose resources all succeed exits 0', async () => {
    const ok = JSON.stringify([{ ref: 'net', type: 'network', body: { name: 'fine again', tenant_id: 'cli-fail' } }]);
    const built = await esictl('build b.json --wait --wait-timeout 60000', { 'b.json': ok });
    expect([built.code, built.err]).toEqual([0, []]);
    expect(built.out.at(-1)).toMatch(/^all 1 resources settled in [\d.]+s$/);
  }, 90_000);
});
