/**
 * One etcd election a planner stands in: the single planner's leadership (leadership.ts)
 * or one partition (partition-claims.ts). Elected, it starts acting; a lease it holds
 * that is lost makes it exit at once, so two planners never act on the same thing
 * together (the commits' compare-and-swap also guards it); withdrawn, it resigns.
 */
import { randomUUID } from 'node:crypto';
import { KEY_PREFIX } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';

/** How this planner process is named in every election it stands in. */
export function candidateId(): string {
  return `${process.pid}-${randomUUID().slice(0, 8)}`;
}

export interface CampaignOptions {
  /** The election's name under the planner's election prefix ('leader', 'partition-3'). */
  office: string;
  candidate: string;
  ttlSeconds: number;
  /** Starts acting; a failure ends the process (nothing would act in its place). */
  onElected: () => Promise<void>;
  /** Fields naming the office in the log lines. */
  fields: Record<string, unknown>;
  messages: { elected: string; startFailed: string; lost: string };
}

export interface Candidacy {
  /** Stops reacting to the election, runs `before` (stop acting), then resigns. */
  withdraw(before?: () => Promise<void>): Promise<void>;
}

export function campaign(store: OwnedStore, log: Logger, o: CampaignOptions): Candidacy {
  const c = store.election(KEY_PREFIX.plannerElection, o.office, o.ttlSeconds).campaign(o.candidate);
  let withdrawn = false;
  c.on('elected', () => {
    if (withdrawn) return;
    log.info(o.fields, o.messages.elected);
    o.onElected().catch((err: unknown) => {
      log.fatal({ ...o.fields, err }, o.messages.startFailed);
      process.exit(1);
    });
  });
  c.on('error', (err: Error) => {
    if (withdrawn) return;
    log.fatal({ ...o.fields, err }, o.messages.lost);
    process.exit(1);
  });
  return {
    async withdraw(before) {
      withdrawn = true;
      await before?.();
      await c.resign().catch(() => undefined);
    },
  };
}
