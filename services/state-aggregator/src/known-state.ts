/**
 * What this aggregator last read or wrote of each resource's /state and job_state, with
 * their mod revisions. It is the only writer of both keys, so the next result of a
 * resource can be folded without reading them back (two gets per result saved). It is a
 * hint, not the truth: every write compares both revisions, so a copy gone stale (a
 * second instance, a write this copy missed) fails its comparison, is forgotten, and the
 * fold reads again (fold-job-result.ts). Bounded: the least recently used go first.
 */
import type { StateValue } from '@esi/contracts';
import { RecentMap } from '@esi/recent-map';
import type { Expect, Versioned } from '@esi/store';
import type { JobState } from './state-value.js';

export interface Known {
  /** undefined: the key is absent. */
  state: Versioned<StateValue> | undefined;
  jobState: Versioned<JobState> | undefined;
}

/** Enough for every resource in flight under load; a resource idle longer is read again. */
export const KNOWN_RESOURCES_MAX = 10_000;

/** Per resource (type:id), bounded like every cache here (@esi/recent-map). */
export class KnownState extends RecentMap<string, Known> {
  constructor(max = KNOWN_RESOURCES_MAX) {
    super(max);
  }
}

/** The comparison a write makes against what it knows of a key. */
export function expectAsKnown(key: string, v: Versioned<unknown> | undefined): Expect {
  return v ? { key, modRevision: v.modRevision } : { key, absent: true };
}
