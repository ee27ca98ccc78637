/** planner: turns resource changes into job DAGs and releases jobs as others finish. */
import { parsers } from '@esi/config';
import { runService } from '@esi/service-runtime';
import { runActivePlanner, type PlannerConfig } from './active-planner.js';
import { campaignForLeadership } from './leadership.js';

await runService<PlannerConfig>({
  name: 'planner',
  spec: {
    resyncIntervalMs: {
      env: 'ESI_RESYNC_INTERVAL_MS',
      default: 30_000,
      parse: parsers.int(500, 86_400_000),
      doc: 'how often the safety net compares /config with /state and the workflow records',
    },
    leaseTtlSeconds: {
      env: 'ESI_PLANNER_LEASE_TTL_S',
      default: 3,
      parse: parsers.int(1, 60),
      doc: 'leader lease; a standby takes over this long after the leader dies',
    },
    redispatchAfterMs: {
      env: 'ESI_REDISPATCH_AFTER_MS',
      default: 600_000,
      parse: parsers.int(1_000, 86_400_000),
      doc: 'a dispatched job still unfinished this long is dispatched again by the resync',
    },
    relationsFile: { env: 'ESI_RELATIONS_FILE', default: '', parse: parsers.string, doc: 'foreign-key table; default: the catalog’s' },
  },
  async start(deps) {
    return campaignForLeadership(deps.store, deps.config.leaseTtlSeconds, deps.log, () => runActivePlanner(deps));
  },
});
