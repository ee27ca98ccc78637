/**
 * Announces a /state the aggregator wrote, as StateChanged on the resource's subject. The
 * message id names the version and the worker state, so announcing again (a redelivered
 * result whose first delivery wrote /state and died before this) is dropped by JetStream
 * when the first one went out.
 *
 * A DELETE_COMPLETED goes out once more on the resource's deleted subject, after the state
 * event: the api removes the config when it reads it there (its consumer filters for
 * these alone). Announced again, it is dropped the same way.
 */
import { DELETE_COMPLETED, MSG_ID, deletedSubject, events, stateSubject } from '@esi/contracts';
import type { Publisher } from '@esi/messaging';

export interface SettledState {
  resourceType: string;
  resourceId: string;
  version: number;
  workerState: string;
  error: string;
}

export async function announceState(publisher: Publisher, s: SettledState): Promise<void> {
  const event = events.StateChanged.encode({ ...s, changedAtMs: Date.now() }).finish();
  await publisher.publish(stateSubject(s.resourceType, s.resourceId), event, MSG_ID.state(s.resourceType, s.resourceId, s.version, s.workerState));
  if (s.workerState === DELETE_COMPLETED) {
    await publisher.publish(deletedSubject(s.resourceType, s.resourceId), event, MSG_ID.deleted(s.resourceType, s.resourceId, s.version));
  }
}
