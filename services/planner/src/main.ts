/** planner: turns resource changes into job DAGs and releases jobs as others finish. */
import { parsers } from '@esi/config';
import { runService } from '@esi/service-runtime';
import { runActivePlanner, runPartitionedPlanner, type PlannerConfig } from './active-planner.js';
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
    partitions: {
      env: 'ESI_PLANNER_PARTITIONS',
      default: 1,
      parse: parsers.int(1, 64),
      doc: 'resources are planned in this many partitions, each by one active planner (the same number on every planner)',
    },
    preferredPartitions: {
      env: 'ESI_PLANNER_PREFERRED',
      default: [],
      parse: partitionList,
      doc: 'partitions this planner takes at once (e.g. 0,2); the others only as a standby; default: all',
    },
  },
  async start(deps) {
    const { config, store, log } = deps;
    if (config.partitions > 1) {
      const outside = config.preferredPartitions.filter((k) => k >= config.partitions);
      if (outside.length > 0) throw new Error(`ESI_PLANNER_PREFERRED names partitions ${outside.join(', ')}, but ESI_PLANNER_PARTITIONS is ${config.partitions} (partitions 0 to ${config.partitions - 1})`);
      return runPartitionedPlanner({ ...deps, config: { ...config, preferredPartitions: config.preferredPartitions.length > 0 ? config.preferredPartitions : [...Array(config.partitions).keys()] } });
    }
    return campaignForLeadership(store, config.leaseTtlSeconds, log, () => runActivePlanner(deps));
  },
});

/** "0,2": partition numbers; empty for none. */
function partitionList(raw: string): number[] {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  return items.map((item) => {
    if (!/^\d+$/.test(item)) throw new Error(`expected partition numbers separated by commas, got "${item}"`);
    return Number(item);
  });
}
