/**
 * Three-node clusters on loopback, for the tests that show how the pipeline behaves when
 * one machine is not enough: a NATS cluster with JetStream (streams replicated 3 times)
 * and a three-member etcd cluster. deploy/ shows the same topology for real machines.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { hasBinary, historyArgs, MissingBinaryError, restartable, type RunningServer } from './infra.js';
import { startProcess, waitForPort, type Managed } from './child-process.js';
import { goServerEnv } from './go-server-env.js';

export interface Cluster {
  /** Comma-separated client URLs, as NATS_URL / ETCD_ENDPOINTS take them. */
  urls: string;
  nodes: RunningServer[];
  stop(): Promise<void>;
}

async function ports(n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const p = await freePort();
    if (!out.includes(p)) out.push(p);
  }
  return out;
}


export async function startNatsCluster(dataDir: string, size = 3): Promise<Cluster> {
  if (!hasBinary('nats-server')) throw new MissingBinaryError('nats-server', 'nats-server');
  const client = await ports(size);
  const route = await ports(size);
  const routes = route.map((p) => `nats://127.0.0.1:${p}`).join(',');
  const nodes = await Promise.all(
    client.map(async (p, i) => {
      const dir = join(dataDir, `nats-${i}`);
      mkdirSync(dir, { recursive: true });
      const launch = async (): Promise<Managed> => {
        const proc = startProcess(
          `nats-${i}`,
          'nats-server',
          ['-a', '127.0.0.1', '-p', String(p), '-js', '-sd', dir, '-n', `esi-${i}`, '--cluster_name', 'esi', '--cluster', `nats://127.0.0.1:${route[i]}`, '--routes', routes],
          { logFile: join(dataDir, `nats-${i}.log`), env: goServerEnv(process.env) },
        );
        await waitForPort(p, '127.0.0.1', 20_000, () => proc.proc.exitCode === null);
        return proc;
      };
      return restartable(`nats://127.0.0.1:${p}`, p, launch, await launch());
    }),
  );
  return { urls: nodes.map((n) => n.url).join(','), nodes, stop: async () => void (await Promise.all(nodes.map((n) => n.stop()))) };
}

export async function startEtcdCluster(dataDir: string, size = 3): Promise<Cluster> {
  if (!hasBinary('etcd')) throw new MissingBinaryError('etcd', 'etcd-server');
  const client = await ports(size);
  const peer = await ports(size);
  const initial = peer.map((p, i) => `esi${i}=http://127.0.0.1:${p}`).join(',');
  mkdirSync(dataDir, { recursive: true });
  const nodes = await Promise.all(
    client.map(async (p, i) => {
      const url = `http://127.0.0.1:${p}`;
      const peerUrl = `http://127.0.0.1:${peer[i]}`;
      const launch = async (): Promise<Managed> => {
        const proc = startProcess(
          `etcd-${i}`,
          'etcd',
          [
            '--name', `esi${i}`,
            '--data-dir', join(dataDir, `etcd-${i}`),
            '--listen-client-urls', url,
            '--advertise-client-urls', url,
            '--listen-peer-urls', peerUrl,
            '--initial-advertise-peer-urls', peerUrl,
            '--initial-cluster', initial,
            '--initial-cluster-state', 'new',
            '--initial-cluster-token', 'esi-test',
            '--log-level', 'warn',
            ...historyArgs(),
          ],
          { logFile: join(dataDir, `etcd-${i}.log`), env: goServerEnv(process.env) },
        );
        await waitForPort(p, '127.0.0.1', 20_000, () => proc.proc.exitCode === null);
        return proc;
      };
      return restartable(url, p, launch, await launch());
    }),
  );
  return { urls: nodes.map((n) => n.url).join(','), nodes, stop: async () => void (await Promise.all(nodes.map((n) => n.stop()))) };
}
