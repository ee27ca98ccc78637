/**
 * With partitions, each partition is held by one planner at a time through an etcd
 * election of its own (campaign.ts, as the single planner's leadership). A planner
 * campaigns at once for the partitions it prefers (ESI_PLANNER_PREFERRED) and, as a
 * standby, for every other one a little later: with each planner up, each holds its
 * preferred ones; when one dies, its lease lapses and the standby next in line holds
 * its partitions too. A planner that loses a lease it holds exits at once, so two never
 * plan one partition together (the commits' compare-and-swap also guards it).
 */
import type { Stop } from '@esi/service-runtime';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import { campaign, candidateId, type Candidacy } from './campaign.js';

export interface ClaimOptions {
  count: number;
  preferred: number[];
  ttlSeconds: number;
  /** How long a planner waits before it campaigns for partitions it does not prefer. */
  standbyDelayMs: number;
  /** Runs when the partition is held (once per partition). */
  onHeld: (partition: number) => Promise<void>;
}

export function claimPartitions(store: OwnedStore, log: Logger, opts: ClaimOptions): Stop {
  const id = candidateId();
  const candidacies: Candidacy[] = [];
  const timers: NodeJS.Timeout[] = [];
  let stopping = false;
  const stand = (k: number): void => {
    if (stopping) return;
    candidacies.push(
      campaign(store, log, {
        office: `partition-${k}`,
        candidate: id,
        ttlSeconds: opts.ttlSeconds,
        fields: { partition: k, planner: id },
        onElected: () => opts.onHeld(k),
        messages: {
          elected: 'partition held: this planner plans its resources',
          startFailed: 'could not start planning a partition',
          lost: 'partition lease lost; exiting so another planner takes it over',
        },
      }),
    );
  };
  log.info({ planner: id, partitions: opts.count, preferred: opts.preferred }, 'campaigning for planner partitions');
  for (let k = 0; k < opts.count; k++) {
    if (opts.preferred.includes(k)) stand(k);
    else timers.push(setTimeout(() => stand(k), opts.standbyDelayMs));
  }
  return async () => {
    stopping = true;
    for (const t of timers) clearTimeout(t);
    await Promise.all(candidacies.map((c) => c.withdraw()));
  };
}
