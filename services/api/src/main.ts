/** api: the gRPC front door; writes desired state, announces changes, answers questions. */
import { readFileSync } from 'node:fs';
import { DEFAULT_API_ADDR, parsers } from '@esi/config';
import { defaultCatalogDir, loadRelations, loadResourceTypes, loadSchemas, loadTemplates } from '@esi/catalog';
import { runService, stopAll } from '@esi/service-runtime';
import { runDeletionFinisher } from './deletion-finisher.js';
import { credentials, RESOURCE_SERVICE, startGrpcServer } from './grpc-server.js';
import { loadCatalogIntoEtcd } from './load-catalog.js';
import { resourceService } from './resource-service.js';
import { checkRelations, storeRelations } from './relations-store.js';
import { Resources } from './resources.js';
import { Templates } from './templates.js';
import { apiSecurityProblems } from './auth-mode.js';
import { chargedStore } from './charged-store.js';
import { WatchLimit } from './watch-limit.js';
import { parseTokenEntries, readTokenFile, tokenTable } from './tokens.js';
import { TypeRegistry } from './type-rules.js';

const optionalFile = (raw: string): string => {
  readFileSync(raw);
  return raw;
};

await runService({
  name: 'api',
  spec: {
    addr: { env: 'ESI_API_ADDR', default: DEFAULT_API_ADDR, parse: parsers.hostPort },
    catalogDir: { env: 'ESI_CATALOG_DIR', default: defaultCatalogDir, parse: parsers.string },
    // Set but empty or blank is refused (emptyIsSet): it is a secret that failed to arrive.
    tokens: {
      env: 'ESI_API_TOKENS',
      default: '',
      parse: (raw) => (parseTokenEntries(raw, 'ESI_API_TOKENS'), raw),
      doc: 'token=admin or token=tenant:<id>, comma-separated',
      secret: true,
      emptyIsSet: true,
    },
    tokensFile: {
      env: 'ESI_API_TOKENS_FILE',
      default: '',
      parse: (raw) => {
        if (raw.trim() === '') throw new Error('is set but names no file');
        readTokenFile(raw);
        return raw;
      },
      emptyIsSet: true,
    },
    allowOpen: { env: 'ESI_API_ALLOW_OPEN', default: false, parse: parsers.bool, doc: 'serve without tokens on a non-loopback address' },
    tlsCert: { env: 'ESI_API_TLS_CERT', default: '', parse: optionalFile },
    tlsKey: { env: 'ESI_API_TLS_KEY', default: '', parse: optionalFile },
    tlsClientCa: { env: 'ESI_API_TLS_CLIENT_CA', default: '', parse: optionalFile },
    maxUnaryMs: { env: 'ESI_API_MAX_CALL_MS', default: 60_000, parse: parsers.int(100, 3_600_000) },
    maxReadsPerCall: { env: 'ESI_API_MAX_READS_PER_CALL', default: 10_000, parse: parsers.int(1, 10_000_000), doc: 'etcd keys one call may read' },
    maxWatchesPerCaller: { env: 'ESI_API_MAX_WATCHES_PER_CALLER', default: 64, parse: parsers.int(1, 100_000), doc: 'watches one caller may hold open' },
    relationsFile: { env: 'ESI_RELATIONS_FILE', default: '', parse: optionalFile, doc: 'foreign-key table to store at start; default: the catalog’s' },
  },
  checks: [(c) => apiSecurityProblems(c)],
  async start({ store, publisher, messaging, log, tracer, config, health: serviceHealth }) {
    const types = new TypeRegistry(loadResourceTypes(), loadSchemas());
    const catalog = await loadCatalogIntoEtcd(store, await loadTemplates(config.catalogDir));
    log.info({ dir: config.catalogDir, ...catalog }, 'template catalog loaded');
    const relations = config.relationsFile ? loadRelations(config.relationsFile) : loadRelations();
    const storedRelations = await storeRelations(store, checkRelations(relations, 'ESI_RELATIONS_FILE'));
    log.info({ file: config.relationsFile || 'catalog', ...storedRelations }, 'relations table loaded');
    const tokens = tokenTable(config.tokens, config.tokensFile);
    if (tokens.open) log.warn({ addr: config.addr, allowOpen: config.allowOpen }, 'no API tokens configured: every caller is admin');

    const deletions = await runDeletionFinisher({ store, publisher, types, log }, messaging, {
      tracer,
      log,
      prefix: config.streamPrefix,
      ackWaitSeconds: config.ackWaitSeconds,
    });

    // Calls read through a store that charges each call's read budget.
    const callStore = chargedStore(store);
    const resources = new Resources(callStore, publisher, types, log);
    const impl = resourceService(
      { tracer, log, tokens, maxUnaryMs: config.maxUnaryMs, maxReadsPerCall: config.maxReadsPerCall },
      {
        store: callStore,
        resources,
        templates: new Templates(callStore),
        relations,
        history: { messaging, streamPrefix: config.streamPrefix },
        watches: new WatchLimit(config.maxWatchesPerCaller),
      },
    );
    const tls = { cert: config.tlsCert, key: config.tlsKey, clientCa: config.tlsClientCa };
    const { server, port, health } = await startGrpcServer(config.addr, impl, credentials(tls), serviceHealth);
    log.info({ addr: config.addr, port, tls: Boolean(tls.cert), auth: tokens.open ? 'open' : 'tokens' }, 'gRPC listening');

    const stopServer = (): Promise<void> =>
      new Promise<void>((resolve) => {
        // Load balancers see NOT_SERVING first, then in-flight calls get 5 s to finish.
        health.setStatus('', 'NOT_SERVING');
        health.setStatus(RESOURCE_SERVICE, 'NOT_SERVING');
        const force = setTimeout(() => server.forceShutdown(), 5_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    return stopAll(deletions.stop, stopServer);
  },
});
