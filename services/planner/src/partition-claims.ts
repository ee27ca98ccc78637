/**
 * With partitions, each partition is held by one planner at a time through an etcd
 * election of its own (as the single planner's leadership, leadership.ts). A planner
 * campaigns at once for the partitions it prefers (ESI_PLANNER_PREFERRED) and, as a
 * standby, for every other one a little later: with each planner up, each holds its
 * preferred ones; when one dies, its lease lapses and the standby next in line holds
 * its partitions too. A planner that loses a lease it holds exits at once, so two never
 * plan one partition together (the commits' compare-and-swap also guards it).
 */
import { randomUUID } from 'node:crypto';
import { KEY_PREFIX } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';

export interface ClaimOptions {
  count: number;
  preferred: number[];
  ttlSeconds: number;
  /** How long a planner waits before it campaigns for partitions it does not prefer. */
  standbyDelayMs: number;
  /** Runs when the partition is held (once per partition). */
  onHeld: (partition: number) => Promise<void>;
}

export type Stop = () => Promise<void>;

export function claimPartitions(store: OwnedStore, log: Logger, opts: ClaimOptions): Stop {
  const id = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const campaigns: { resign(): Promise<void> }[] = [];
  const timers: NodeJS.Timeout[] = [];
  let stopping = false;
  const campaign = (k: number): void => {
    if (stopping) return;
    const c = store.election(KEY_PREFIX.plannerElection, `partition-${k}`, opts.ttlSeconds).campaign(id);
    campaigns.push(c);
    c.on('elected', () => {
      if (stopping) return;
      log.info({ partition: k, planner: id }, 'partition held: this planner plans its resources');
      opts.onHeld(k).catch((err: unknown) => {
        log.fatal({ err, partition: k }, 'could not start planning a partition');
        process.exit(1);
      });
    });
    c.on('error', (err: Error) => {
      if (stopping) return;
      log.fatal({ err, partition: k }, 'partition lease lost; exiting so another planner takes it over');
      process.exit(1);
    });
  };
  log.info({ planner: id, partitions: opts.count, preferred: opts.preferred }, 'campaigning for planner partitions');
  for (let k = 0; k < opts.count; k++) {
    if (opts.preferred.includes(k)) campaign(k);
    else timers.push(setTimeout(() => campaign(k), opts.standbyDelayMs));
  }
  return async () => {
    stopping = true;
    for (const t of timers) clearTimeout(t);
    await Promise.all(campaigns.map((c) => c.resign().catch(() => undefined)));
  };
}
