/**
 * After the api removed a deleted resource's /config key, the stack record goes too
 * (the original esi-worker deleted /esi-worker/heat_stacks after the config key).
 */
import { OWNERSHIP, heatStackKey, events } from '@esi/contracts';
import { startConsumer, type Messaging, type RunningConsumer } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { Tracer } from '@opentelemetry/api';

export function startRemovalCleanup(deps: {
  messaging: Messaging;
  store: OwnedStore;
  log: Logger;
  tracer: Tracer;
  prefix: string;
  ackWaitSeconds: number;
  pluralOf: (type: string) => string;
}): Promise<RunningConsumer> {
  return startConsumer(
    deps.messaging,
    {
      consumer: OWNERSHIP['heat-worker'].consumes.removals,
      decode: (d) => events.ResourceChanged.decode(d),
      handle: async (m) => {
        if (!m.removed) return;
        await deps.store.delete(heatStackKey(deps.pluralOf(m.resourceType), m.resourceId));
        deps.log.info({ resource: `${m.resourceType}:${m.resourceId}` }, 'stack record removed with the resource');
      },
      spanName: 'process esi.config',
    },
    { tracer: deps.tracer, log: deps.log, prefix: deps.prefix, ackWaitSeconds: deps.ackWaitSeconds },
  );
}
