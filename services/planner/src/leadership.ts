/**
 * Planner replicas elect one active instance on an etcd lease (as the original
 * JobManager did with /job_manager_id). The standby takes over when the leader's lease
 * expires; a leader that loses its lease exits at once, so two planners never act
 * together (planning also checks the workflow record with compare-and-swap).
 */
import { randomUUID } from 'node:crypto';
import { KEY_PREFIX } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';

export type Stop = () => Promise<void>;

export function campaignForLeadership(
  store: OwnedStore,
  ttlSeconds: number,
  log: Logger,
  lead: () => Promise<Stop>,
): Stop {
  const id = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const campaign = store.election(KEY_PREFIX.plannerElection, 'leader', ttlSeconds).campaign(id);
  let stopLeading: Stop | undefined;
  let stopping = false;
  log.info({ candidate: id, ttlSeconds }, 'campaigning for planner leadership');
  campaign.on('elected', () => {
    if (stopping) return;
    log.info({ leader: id }, 'elected: this planner is active');
    lead()
      .then((stop) => {
        stopLeading = stop;
      })
      .catch((err) => {
        log.fatal({ err }, 'could not start leading');
        process.exit(1);
      });
  });
  campaign.on('error', (err: Error) => {
    if (stopping) return;
    log.fatal({ err }, 'planner leadership lost; exiting so a standby takes over');
    process.exit(1);
  });
  return async () => {
    stopping = true;
    await stopLeading?.();
    await campaign.resign().catch(() => undefined);
  };
}
