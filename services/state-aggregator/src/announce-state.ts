/**
 * Announces a /state the aggregator wrote, as StateChanged on the resource's subject. The
 * message id names the version and the worker state, so announcing again (a redelivered
 * result whose first delivery wrote /state and died before this) is dropped by JetStream
 * when the first one went out.
 */
import { MSG_ID, events, stateSubject } from '@esi/contracts';
import type { Publisher } from '@esi/messaging';

export interface SettledState {
  resourceType: string;
  resourceId: string;
  version: number;
  workerState: string;
  error: string;
}

export async function announceState(publisher: Publisher, s: SettledState): Promise<void> {
  await publisher.publish(
    stateSubject(s.resourceType, s.resourceId),
    events.StateChanged.encode({ ...s, changedAtMs: Date.now() }).finish(),
    MSG_ID.state(s.resourceType, s.resourceId, s.version, s.workerState),
  );
}
