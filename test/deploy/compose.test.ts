/**
 * deploy/: the compose file validates with Debian's docker-compose (skipped only where
 * docker-compose is not on PATH), and its parts agree with the code: every service and
 * the device simulator run from the one image with an entry point that exists, health
 * checks and start order are declared, Prometheus scrapes the five metrics endpoints,
 * the image installs with the project's pnpm from the lockfile, and nats-server accepts
 * the JetStream config.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVICE_NAMES } from '@esi/contracts';
import { REPO_ROOT, hasBinary } from '@esi/local-stack';

const COMPOSE = join(REPO_ROOT, 'deploy', 'docker-compose.yml');

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  network_mode?: string;
}

// merge: the file shares the services' settings through YAML merge keys (<<).
const compose = parse(readFileSync(COMPOSE, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };

describe('docker-compose.yml', () => {
  it.skipIf(!hasBinary('docker-compose'))('validates with docker-compose config', () => {
    const res = spawnSync('docker-compose', ['-f', COMPOSE, 'config', '-q'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const services = execFileSync('docker-compose', ['-f', COMPOSE, 'config', '--services'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(services.trim().split('\n').sort()).toEqual(
      [...SERVICE_NAMES, 'nats', 'etcd', 'jaeger', 'prometheus', 'grafana', 'device-simulator'].sort(),
    );
  });

  it.skipIf(!hasBinary('docker-compose'))('the cluster overlay validates and points every service at three NATS nodes and three etcd members', () => {
    const cluster = join(REPO_ROOT, 'deploy', 'docker-compose.cluster.yml');
    const res = spawnSync('docker-compose', ['-f', COMPOSE, '-f', cluster, 'config'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const merged = parse(res.stdout) as { services: Record<string, { environment?: Record<string, string> }> };
    for (const name of ['nats-2', 'nats-3', 'etcd-2', 'etcd-3']) expect(merged.services[name], name).toBeDefined();
    for (const name of SERVICE_NAMES) {
      const env = merged.services[name]!.environment!;
      expect(env.NATS_URL!.split(','), name).toHaveLength(3);
      expect(env.ETCD_ENDPOINTS!.split(','), name).toHaveLength(3);
      expect(env.ESI_STREAM_REPLICAS, name).toBe('3');
    }
  });

  it('runs the five services and the device simulator from one image, each with an entry point that exists', () => {
    const images = new Set<string>();
    for (const name of [...SERVICE_NAMES, 'device-simulator']) {
      const svc = compose.services[name]!;
      expect(svc.build, name).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
      images.add(svc.image!);
      const entry = svc.command![0]!;
      expect(existsSync(join(REPO_ROOT, entry)), `${name}: ${entry}`).toBe(true);
      expect(svc.healthcheck?.test.length, `${name} health check`).toBeGreaterThan(0);
    }
    expect(images.size).toBe(1);
    for (const name of SERVICE_NAMES) {
      expect(compose.services[name]!.command).toEqual([`services/${name}/src/main.ts`]);
      expect(compose.services[name]!.environment).toMatchObject({
        NATS_URL: 'nats://nats:4222',
        ETCD_ENDPOINTS: 'http://etcd:2379',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
        ESI_METRICS_ADDR: '0.0.0.0:9464',
      });
      expect(compose.services[name]!.depends_on).toMatchObject({ nats: { condition: 'service_healthy' }, etcd: { condition: 'service_healthy' } });
    }
    expect(compose.services['device-simulator']!.command![0]).toBe('packages/device-simulator/src/main.ts');
    expect(compose.services['device-simulator']!.network_mode).toBe('service:monitoring-worker');
  });

  it('Prometheus scrapes every service’s metrics port and Grafana gets the dashboard', () => {
    const prom = parse(readFileSync(join(REPO_ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const targets = prom.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    expect(targets.sort()).toEqual(SERVICE_NAMES.map((n) => `${n}:9464`).sort());
    for (const dep of SERVICE_NAMES) expect(compose.services.prometheus!.depends_on![dep]).toEqual({ condition: 'service_healthy' });
    const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/dashboards/esi-job-flow.json'), 'utf8')) as { uid: string; panels: { datasource?: { uid: string } }[] };
    expect(dashboard.uid).toBe('esi-job-flow');
    const sources = parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/provisioning/datasources/datasources.yml'), 'utf8')) as { datasources: { uid: string }[] };
    const uids = new Set(sources.datasources.map((d) => d.uid));
    for (const p of dashboard.panels) if (p.datasource) expect(uids.has(p.datasource.uid)).toBe(true);
  });

  it('the image installs with the project’s pnpm from the lockfile and runs TypeScript through tsx', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8');
    const pnpm = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
    expect(dockerfile).toContain(`npm install -g ${pnpm}`);
    expect(dockerfile).toMatch(/pnpm install --offline --frozen-lockfile/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "--import", "tsx"\]/);
    expect(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')).toMatch(/^\*\*\/node_modules$/m);
  });

  it.skipIf(!hasBinary('nats-server'))('nats-server accepts the JetStream config (fsync on every write)', () => {
    const conf = readFileSync(join(REPO_ROOT, 'deploy/nats/nats.conf'), 'utf8');
    expect(conf).toMatch(/^\s*sync_interval: always$/m);
    const version = /v?(\d+)\.(\d+)/.exec(execFileSync('nats-server', ['--version'], { encoding: 'utf8' }))!;
    const dir = mkdtempSync(join(tmpdir(), 'esi-nats-conf-'));
    // The image runs nats >= 2.10; an older server here checks the rest of the file.
    const older = Number(version[1]) === 2 && Number(version[2]) < 10;
    const local = conf.replace('store_dir: /data', `store_dir: ${join(dir, 'js')}`).replace(older ? /^\s*sync_interval: always\n/m : /$^/, '');
    writeFileSync(join(dir, 'nats.conf'), local);
    const res = spawnSync('nats-server', ['-c', join(dir, 'nats.conf'), '-t'], { encoding: 'utf8' });
    expect(`${res.stdout}${res.stderr}`).toContain('is valid');
    expect(res.status).toBe(0);
  });
});
