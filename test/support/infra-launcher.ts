/**
 * nats-server and etcd for an integration test: in containers through testcontainers
 * when a Docker Engine and the local images are there (CI), else the local binaries
 * from PATH (@esi/local-stack), so a machine without Docker still runs the suite.
 */
import { startEtcd, startNats } from '@esi/test-servers';
import { dockerReady } from './docker-env.js';

export interface Infra {
  natsUrl: string;
  etcdEndpoints: string;
  /** 'containers' or 'binaries': which launcher ran. */
  launcher: 'containers' | 'binaries';
  /** Restarts nats-server in place (same port, same data): docker restart, or the process. */
  restartNats(): Promise<void>;
  stop(): Promise<void>;
}

export async function startInfra(dataDir: string): Promise<Infra> {
  if (dockerReady()) {
    const { startEtcdContainer, startNatsContainer } = await import('./containers/infra-containers.js');
    const started = await Promise.allSettled([startNatsContainer(), startEtcdContainer()]);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      for (const s of started) if (s.status === 'fulfilled') await s.value.stop();
      throw (failed as PromiseRejectedResult).reason;
    }
    const [nats, etcd] = started.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof startNatsContainer>>>).value) as [Awaited<ReturnType<typeof startNatsContainer>>, Awaited<ReturnType<typeof startEtcdContainer>>];
    return {
      natsUrl: nats.url,
      etcdEndpoints: etcd.url,
      launcher: 'containers',
      restartNats: () => nats.container.restart({ timeout: 2_000 }),
      stop: async () => void (await Promise.all([nats.stop(), etcd.stop()])) };
  }
  const [nats, etcd] = await Promise.all([startNats(dataDir), startEtcd(dataDir)]);
  return { natsUrl: nats.url, etcdEndpoints: etcd.url, launcher: 'binaries', restartNats: () => nats.restart!('SIGTERM'), stop: async () => void (await Promise.all([nats.stop(), etcd.stop()])) };
}
