/** Builds the driver ESI_HEAT_DRIVER names, from the parsed configuration. */
import { HeatApiError, HeatClient, KeystoneSession, type OpenStackError } from '@esi/heat-client';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import { EmbeddedDriver } from './embedded-driver.js';
import { engineOverEtcd } from './etcd-stack-store.js';
import { keystoneCredentials, type HeatWorkerConfig } from './heat-config.js';
import { OpenStackDriver } from './openstack-driver.js';
import { releaseGate } from './release-gate.js';
import type { StackDriver } from './stack-driver.js';

export function createDriver(config: HeatWorkerConfig, store: OwnedStore, log: Logger): StackDriver {
  if (config.driver === 'embedded') {
    const hold = config.simulatedReleasePrefix ? releaseGate(store, config.simulatedReleasePrefix) : undefined;
    const simulation = { latencyMs: config.simulatedLatencyMs, hold };
    return new EmbeddedDriver(engineOverEtcd(store, simulation));
  }
  const session = new KeystoneSession(keystoneCredentials(config), { caCert: config.caCert || undefined });
  const client = new HeatClient(session, {
    // Heat's request id finds the request in Heat's own logs.
    onResponse: (x) => log.debug({ method: x.method, path: x.path, status: x.status, requestId: x.requestId, ms: x.elapsedMs }, 'Heat answered'),
    onRetry: (err, attempt, delayMs) => {
      const e = err as Partial<OpenStackError>;
      log.warn({ err, attempt, delayMs, requestId: e.requestId, decision: err instanceof HeatApiError ? err.decision : undefined }, 'Heat request failed; retrying');
    },
  });
  return new OpenStackDriver(client, { pollMs: config.pollMs });
}
