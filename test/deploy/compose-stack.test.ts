/**
 * The compose stack, started and used: `docker-compose up` of deploy/docker-compose.yml
 * with the local-images overlay (nats-server, etcd and Prometheus from Debian, the
 * orchestrator's production image; Jaeger and Grafana left out by their profile). From
 * the host, `esictl build … --wait` against the published api port settles the example
 * build (all 24 settled: 19 CREATE_COMPLETED, 4 read-only READ_COMPLETE, the tenant has
 * no state; /monitoring UP); Prometheus scrapes the five
 * services; every Prometheus query of the Grafana dashboard runs and those that a
 * healthy run feeds return data; `docker-compose down` leaves nothing running.
 * Needs an engine and the images (deploy/docker/with-dockerd.sh, build-images.sh).
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Etcd3 } from 'etcd3';
import { SERVICE_NAMES } from '@esi/contracts';
import { REPO_ROOT } from '@esi/local-stack';
import { dockerReady, localImages } from '../support/docker-env.js';
import { waitFor } from '../support/wait.js';
import { localNatsConf } from '../support/nats-conf.js';
import { dashboardQueries, FAILURE_ONLY_PANEL, grafanaToPromQL } from '../support/dashboard-queries.js';

const ready = dockerReady();
const PROJECT = 'esi-compose-test';
const FILES = ['-f', 'deploy/docker-compose.yml', '-f', 'deploy/docker-compose.local-images.yml'];
// The compose file publishes these on the (namespace's) loopback.
const API = '127.0.0.1:50051';
const ETCD = 'http://127.0.0.1:2379';
const PROMETHEUS = 'http://127.0.0.1:9090';

let env: NodeJS.ProcessEnv = {};
let up = false;

function compose(args: string[], timeout = 300_000): SpawnSyncReturns<string> {
  return spawnSync('docker-compose', ['-p', PROJECT, ...FILES, ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout });
}

/** Name and health of each container of the project (docker-compose v1 has no --format). */
function containerHealth(): { name: string; state: string; health: string }[] {
  const ids = compose(['ps', '-q']).stdout.trim().split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const res = spawnSync('docker', ['inspect', '-f', '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', ...ids], { encoding: 'utf8' });
  return res.stdout.trim().split('\n').map((l) => {
    const [name, state, health] = l.split(' ');
    return { name: name!.replace(/^\//, ''), state: state!, health: health! };
  });
}

/**
 * Each container's state and its last health checks' outputs, for a failure's message,
 * then the last lines of every container that is not running: one that exits at start
 * has no health check output to show why (a CI run once showed only "nats exited").
 */
function healthReport(): string {
  const ids = compose(['ps', '-q']).stdout.trim().split('\n').filter(Boolean);
  if (ids.length === 0) return 'no container';
  const format = '{{.Name}} {{.State.Status}} restarts={{.RestartCount}} {{if .State.Health}}{{.State.Health.Status}} {{range .State.Health.Log}}[{{.ExitCode}}: {{printf "%.200s" .Output}}] {{end}}{{end}}';
  const states = spawnSync('docker', ['inspect', '-f', format, ...ids], { encoding: 'utf8' }).stdout.trim();
  const stopped = states.split('\n').filter((l) => !/^\S+ running /.test(l)).map((l) => l.split(' ')[0]!.replace(/^\//, ''));
  const logs = stopped.map((name) => {
    const res = spawnSync('docker', ['logs', '--tail', '20', name], { encoding: 'utf8' });
    return `--- ${name} (last lines)\n${res.stdout}${res.stderr}`;
  });
  return [states, ...logs].join('\n');
}

function runEsictl(args: string[], timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'packages/cli/src/main.ts'), ...args, '--addr', API], { cwd: REPO_ROOT, env: { ...process.env, ESI_API_ADDR: API } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function prom<T>(path: string, params: Record<string, string> = {}): Promise<{ status: string; data: T; error?: string }> {
  const res = await fetch(`${PROMETHEUS}${path}?${new URLSearchParams(params)}`);
  return (await res.json()) as { status: string; data: T; error?: string };
}

beforeAll(async () => {
  if (!ready) return;
  const images = localImages()!;
  const dir = mkdtempSync(join(tmpdir(), 'esi-compose-'));
  // Debian's nats-server is 2.9: the same config without sync_interval (a 2.10 setting).
  const natsConf = localNatsConf('deploy/nats/nats.conf', dir);
  env = {
    ...process.env,
    // Random, and led by 12e4 so that unquoted nats-server would read it as a number (in
    // CI one random hex password in about twenty did: the nats container exited).
    ESI_NATS_PASSWORD: `12e4${randomBytes(14).toString('hex')}`,
    ESI_NATS_CONF: natsConf,
    ESI_NATS_IMAGE: images.nats,
    ESI_ETCD_IMAGE: images.etcd,
    ESI_PROMETHEUS_IMAGE: images.prometheus,
  };
  // A run killed before its afterAll leaves its project behind: start from nothing.
  compose(['down', '-v', '--remove-orphans']);
  const started = Date.now();
  const res = compose(['up', '-d']);
  up = true;
  // When compose gives up on a dependency, say which container and what its checks said.
  expect(res.status, `docker-compose up: ${res.stderr}${res.status === 0 ? '' : `\n${healthReport()}`}`).toBe(0);
  const healthy = await waitFor('every container healthy', async () => {
    const all = containerHealth();
    return all.length >= 10 && all.every((c) => c.health === 'healthy') ? all : undefined;
  // Minutes, not seconds, when the rest of the suite shares the two cores.
  }, 420_000, 1_000).catch((err: Error) => {
    throw new Error(`${err.message}: ${JSON.stringify(containerHealth())}\n${compose(['logs', '--tail=30']).stdout}`);
  });
  console.log(`compose stack: ${healthy.length} containers healthy after ${Math.round((Date.now() - started) / 1000)} s: ${healthy.map((c) => `${c.name} ${c.health}`).join(', ')}`);
}, 600_000);

afterAll(async () => {
  if (!up) return;
  const res = compose(['down', '-v', '--remove-orphans']);
  if (res.status !== 0) console.error(res.stderr);
});

describe.skipIf(!ready)('compose stack on local images', () => {
  it('runs nats, etcd, Prometheus, the five services and the device simulator, each healthy, Jaeger and Grafana left out', () => {
    const names = containerHealth().map((c) => c.name.replace(`${PROJECT}_`, '').replace(/_\d+$/, '')).sort();
    expect(names).toEqual([...SERVICE_NAMES, 'nats', 'etcd', 'prometheus', 'device-simulator', 'console'].sort());
  });

  it('esictl runs inside the image as a command, against the api on the compose network', () => {
    const version = compose(['exec', '-T', 'api', 'esictl', '--version']);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/\d+\.\d+\.\d+/);
    const listed = compose(['exec', '-T', 'api', 'esictl', '--addr', 'api:50051', 'list', 'network']);
    expect(listed.status, listed.stderr).toBe(0);
  });

  it('esictl build --wait from the host settles the example build’s 24 resources (CREATE_COMPLETED, or READ_COMPLETE for those it only reads) and /monitoring is UP', async () => {
    const started = Date.now();
    const build = await runEsictl(['build', 'packages/catalog/examples/internet-gateway.json', '--wait'], 240_000);
    expect(build.code, build.out).toBe(0);
    const etcd = new Etcd3({ hosts: ETCD });
    try {
      const stored = (await etcd.getAll().prefix('/state/v2.0/').json()) as Record<string, { state: { worker_state?: string } }>;
      const states = Object.entries(stored).map(([key, v]) => `${key.split('/')[3]} ${v.state.worker_state}`);
      // 24 resources: the tenant has no /state of its own, and the four the build only
      // reads (an internet service, a QoS option, a public IP pool, the DHCP port)
      // settle as READ_COMPLETE; every other one is CREATE_COMPLETED.
      expect(build.out).toMatch(/^all 24 resources settled in /m);
      const why = `${states.join('\n')}\n${build.out.slice(-3000)}`;
      expect(states.filter((s) => s.endsWith(' CREATE_COMPLETED')), why).toHaveLength(19);
      expect(states.filter((s) => s.endsWith(' READ_COMPLETE')).sort(), why).toEqual(['internet_services READ_COMPLETE', 'ports READ_COMPLETE', 'public_ip_pools READ_COMPLETE', 'qos_options READ_COMPLETE']);
      // The poller writes /monitoring every ESI_POLL_INTERVAL_MS (5 s): wait for every item to be UP.
      const monitoring = await waitFor('every /monitoring value UP', async () => {
        const all = await etcd.getAll().prefix('/monitoring/v2.0/').json();
        const statuses = Object.entries(all).flatMap(([key, v]) => Object.entries(v as Record<string, unknown>).filter(([, s]) => typeof s === 'string' && /^(UP|DOWN|UNKNOWN)$/.test(s)).map(([f, s]) => `${key} ${f}=${String(s)}`));
        // The two logical ports (the seed document's step 7) and every other item polled.
        const logicalPorts = statuses.filter((s) => s.includes('/ese_logical_ports/') && s.endsWith(' logical_port=UP'));
        return logicalPorts.length === 2 && statuses.every((s) => s.endsWith('=UP')) ? statuses : undefined;
      }, 60_000, 1_000);
      console.log(`compose stack: esictl build --wait exited 0 after ${Math.round((Date.now() - started) / 1000)} s ("${/^all 24 resources settled.*$/m.exec(build.out)![0]}"); /state: 19 CREATE_COMPLETED, 4 READ_COMPLETE; ${monitoring.length} /monitoring values UP: ${monitoring.join(', ')}`);
    } finally {
      etcd.close();
    }
  }, 360_000);

  it('Prometheus scrapes the five services and etcd, every target up', async () => {
    type Targets = { activeTargets: { labels: { instance: string; job: string }; health: string; lastError: string }[] };
    const targets = await waitFor('every target up', async () => {
      const t = (await prom<Targets>('/api/v1/targets')).data.activeTargets;
      return t.length > 0 && t.every((x) => x.health === 'up') ? t : undefined;
    }, 60_000, 1_000).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify((await prom<Targets>('/api/v1/targets')).data.activeTargets.map((x) => [x.labels.instance, x.health, x.lastError]))}`);
    });
    const instances = targets.map((t) => `${t.labels.job}/${t.labels.instance}`).sort();
    expect(instances).toEqual([...SERVICE_NAMES.map((n) => `esi/${n}:9464`), 'etcd/etcd:2379'].sort());
    console.log(`compose stack: Prometheus targets up: ${instances.join(', ')}`);
  }, 90_000);

  it('publishes the console: its page, and the example build through its edge', async () => {
    const page = await fetch('http://127.0.0.1:50080/');
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="app"|ESI console/i);
    const listed = await fetch('http://127.0.0.1:50080/api/resources/ese_logical_port');
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { resources?: unknown[] };
    expect(body.resources?.length).toBe(2);
  });

  it('every Prometheus query of the Grafana dashboard runs, and each one a healthy run feeds returns data', async () => {
    const queries = dashboardQueries(readFileSync(join(REPO_ROOT, 'deploy/grafana/dashboards/esi-job-flow.json'), 'utf8'));
    expect(queries.length).toBeGreaterThan(5);
    const results = new Map<string, number>();
    await waitFor('dashboard queries with data', async () => {
      for (const q of queries) {
        const a = await prom<{ result: unknown[] }>('/api/v1/query', { query: grafanaToPromQL(q.expr) });
        expect(a.status, `${q.panel}: ${q.expr}: ${a.error ?? ''}`).toBe('success');
        results.set(`${q.panel}: ${q.expr}`, a.data.result.length);
      }
      return queries.every((q) => FAILURE_ONLY_PANEL.test(`${q.panel}: ${q.expr}`) || results.get(`${q.panel}: ${q.expr}`)! > 0) ? true : undefined;
    }, 60_000, 2_000).catch((err: Error) => {
      throw new Error(`${err.message}; empty: ${[...results].filter(([, n]) => n === 0).map(([q]) => q).join(' | ')}`);
    });
    const withData = [...results].filter(([, n]) => n > 0).length;
    const failureOnly = [...results].filter(([, n]) => n === 0).map(([q]) => q);
    console.log(`compose stack: dashboard queries: ${queries.length} run, ${withData} with data, ${failureOnly.length} empty on a healthy run (failure-only panels: ${failureOnly.join(' | ')})`);
  }, 90_000);

  it('docker-compose down leaves no container, network or volume of the project', () => {
    const res = compose(['down', '-v', '--remove-orphans']);
    expect(res.status, res.stderr).toBe(0);
    up = false;
    const left = (args: string[]) => spawnSync('docker', [...args, '--filter', `label=com.docker.compose.project=${PROJECT}`, '-q'], { encoding: 'utf8' }).stdout.trim();
    expect(left(['ps', '-a'])).toBe('');
    expect(left(['network', 'ls'])).toBe('');
    expect(left(['volume', 'ls'])).toBe('');
    console.log('compose stack: docker-compose down left no container, network or volume');
  }, 120_000);
});
