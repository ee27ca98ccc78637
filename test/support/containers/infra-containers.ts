/**
 * nats-server (JetStream) and etcd in containers through testcontainers, on the images
 * deploy/docker/build-images.sh builds (Debian's binaries): one of each, or three-node
 * clusters on a network of their own. Each waits for its health endpoint (/healthz on
 * 8222, /health on 2379). Host ports are chosen here, not by Docker, so a node stopped
 * and started again is found where it was. Every container and network is removed by
 * stop() (no Ryuk reaper: see env.ts).
 */
import './env.js';
import { GenericContainer, getContainerRuntimeClient, Network, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { freePort } from '@esi/test-servers';
import { localImages } from '../docker-env.js';
import { nodeControls, type NodeControls } from './node-controls.js';

export interface ContainerServer {
  /** Client URL on the host's (namespace's) loopback. */
  url: string;
  container: StartedTestContainer;
  stop(): Promise<void>;
}

export interface ContainerCluster {
  /** Comma-separated client URLs, as NATS_URL / ETCD_ENDPOINTS take them. */
  urls: string;
  nodes: NodeControls[];
  network: StartedNetwork;
  stop(): Promise<void>;
}

function images() {
  const found = localImages();
  if (!found) throw new Error('no local images: run deploy/docker/prepare.sh and deploy/docker/build-images.sh');
  return found;
}

const STARTUP_MS = 90_000;

function natsContainer(hostPort: number, args: string[]): GenericContainer {
  return new GenericContainer(images().nats)
    .withCommand(['nats-server', '-js', '-sd', '/data', '-m', '8222', '-p', '4222', ...args])
    .withExposedPorts({ container: 4222, host: hostPort }, 8222)
    .withWaitStrategy(Wait.forHttp('/healthz', 8222).forStatusCode(200))
    .withStartupTimeout(STARTUP_MS);
}

function etcdContainer(hostPort: number, args: string[]): GenericContainer {
  return new GenericContainer(images().etcd)
    .withCommand(['etcd', '--data-dir', '/etcd-data', '--listen-client-urls', 'http://0.0.0.0:2379', '--listen-peer-urls', 'http://0.0.0.0:2380', '--log-level', 'warn', ...args])
    .withExposedPorts({ container: 2379, host: hostPort })
    .withWaitStrategy(Wait.forHttp('/health', 2379).forStatusCode(200))
    .withStartupTimeout(STARTUP_MS);
}

async function removeAll(containers: StartedTestContainer[], network?: StartedNetwork): Promise<void> {
  const client = await getContainerRuntimeClient();
  await Promise.all(containers.map(async (c) => {
    // A paused container cannot be stopped: unpause first (an error means it was not paused).
    await client.container.dockerode.getContainer(c.getId()).unpause().catch(() => undefined);
    await c.stop({ remove: true, removeVolumes: true, timeout: 2_000 }).catch(() => undefined);
  }));
  await network?.stop().catch(() => undefined);
}

export async function startNatsContainer(): Promise<ContainerServer> {
  const port = await freePort();
  const container = await natsContainer(port, []).start();
  return { url: `nats://127.0.0.1:${port}`, container, stop: () => removeAll([container]) };
}

export async function startEtcdContainer(): Promise<ContainerServer> {
  const port = await freePort();
  const container = await etcdContainer(port, ['--name', 'etcd', '--advertise-client-urls', `http://127.0.0.1:${port}`, '--initial-advertise-peer-urls', 'http://127.0.0.1:2380', '--initial-cluster', 'etcd=http://127.0.0.1:2380']).start();
  return { url: `http://127.0.0.1:${port}`, container, stop: () => removeAll([container]) };
}

async function distinctPorts(n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const p = await freePort();
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** Three nodes started together: neither JetStream nor etcd is healthy before a quorum. */
async function startCluster(kind: 'nats' | 'etcd', build: (i: number, name: string, hostPort: number) => GenericContainer, urlOf: (port: number) => string, size: number): Promise<ContainerCluster> {
  const network = await new Network().start();
  const ports = await distinctPorts(size);
  const names = ports.map((_, i) => `${kind}-${i}`);
  const settled = await Promise.allSettled(names.map((name, i) => build(i, name, ports[i]!).withNetwork(network).withNetworkAliases(name).withName(`esi-${kind}-${network.getName().slice(-8)}-${i}`).start()));
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    await removeAll(started, network);
    throw (failed as PromiseRejectedResult).reason;
  }
  return {
    urls: ports.map(urlOf).join(','),
    nodes: started.map((c, i) => nodeControls(names[i]!, c, network)),
    network,
    stop: () => removeAll(started, network),
  };
}

export function startNatsClusterContainers(size = 3): Promise<ContainerCluster> {
  const routes = Array.from({ length: size }, (_, i) => `nats://nats-${i}:6222`).join(',');
  return startCluster(
    'nats',
    // --no_advertise: clients keep to the published ports they were given, never the
    // containers' own addresses the servers would gossip.
    (i, _name, port) => natsContainer(port, ['-n', `esi-${i}`, '--cluster_name', 'esi', '--cluster', 'nats://0.0.0.0:6222', '--routes', routes, '--no_advertise']),
    (port) => `nats://127.0.0.1:${port}`,
    size,
  );
}

export function startEtcdClusterContainers(size = 3): Promise<ContainerCluster> {
  const initial = Array.from({ length: size }, (_, i) => `etcd-${i}=http://etcd-${i}:2380`).join(',');
  return startCluster(
    'etcd',
    (_i, name, port) =>
      etcdContainer(port, [
        '--name', name,
        '--advertise-client-urls', `http://127.0.0.1:${port}`,
        '--initial-advertise-peer-urls', `http://${name}:2380`,
        '--initial-cluster', initial,
        '--initial-cluster-state', 'new',
        '--initial-cluster-token', 'esi-test',
      ]),
    (port) => `http://127.0.0.1:${port}`,
    size,
  );
}
