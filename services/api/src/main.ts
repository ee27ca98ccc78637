/** api: the gRPC front door; writes desired state and announces changes. */
import { parsers } from '@esi/config';
import { defaultCatalogDir, loadResourceTypes, loadTemplates } from '@esi/catalog';
import { runService } from '@esi/service-runtime';
import { resourceServiceImpl, startGrpcServer } from './grpc-server.js';
import { loadCatalogIntoEtcd } from './load-catalog.js';
import { Resources } from './resources.js';

await runService({
  name: 'api',
  spec: {
    addr: { env: 'ESI_API_ADDR', default: '127.0.0.1:50051', parse: parsers.hostPort },
    catalogDir: { env: 'ESI_CATALOG_DIR', default: defaultCatalogDir, parse: parsers.string },
  },
  async start({ store, publisher, log, tracer, config }) {
    const types = loadResourceTypes();
    const catalog = await loadCatalogIntoEtcd(store, await loadTemplates(config.catalogDir));
    log.info({ dir: config.catalogDir, ...catalog }, 'template catalog loaded');
    const resources = new Resources(store, publisher, (t) => types[t], log);
    const { server, port } = await startGrpcServer(config.addr, resourceServiceImpl(resources, tracer, log));
    log.info({ addr: config.addr, port }, 'gRPC listening');
    return () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 5_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
  },
});
