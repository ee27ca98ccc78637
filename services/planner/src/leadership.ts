/**
 * Planner replicas elect one active instance on an etcd lease (as the original
 * JobManager did with /job_manager_id). The standby takes over when the leader's lease
 * expires; a leader that loses its lease exits at once (campaign.ts), so two planners
 * never act together (planning also checks the workflow record with compare-and-swap).
 */
import type { Stop } from '@esi/service-runtime';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import { campaign, candidateId } from './campaign.js';

export function campaignForLeadership(store: OwnedStore, ttlSeconds: number, log: Logger, lead: () => Promise<Stop>): Stop {
  const id = candidateId();
  let stopLeading: Stop | undefined;
  log.info({ candidate: id, ttlSeconds }, 'campaigning for planner leadership');
  const candidacy = campaign(store, log, {
    office: 'leader',
    candidate: id,
    ttlSeconds,
    fields: { leader: id },
    onElected: async () => {
      stopLeading = await lead();
    },
    messages: {
      elected: 'elected: this planner is active',
      startFailed: 'could not start leading',
      lost: 'planner leadership lost; exiting so a standby takes over',
    },
  });
  return () => candidacy.withdraw(async () => stopLeading?.());
}
