/**
 * NATS subjects and JetStream streams. Tokens are resource types and ids, which never
 * contain '.', '*' or '>' (the api accepts ids of letters, digits, '_' and '-' only).
 */
export const STREAMS = Object.freeze({
  config: { name: 'ESI_CONFIG', subjects: ['esi.config.>'], retention: 'limits' as const },
  work: { name: 'ESI_WORK', subjects: ['esi.work.>'], retention: 'workqueue' as const },
  results: { name: 'ESI_RESULTS', subjects: ['esi.result.>', 'esi.skipped.>'], retention: 'limits' as const },
  state: { name: 'ESI_STATE', subjects: ['esi.state.>', 'esi.monitoring.>'], retention: 'limits' as const },
  /** Parked messages: undecodable, or failing after every retry; kept with the reason. */
  dead: { name: 'ESI_DEAD', subjects: ['esi.dead.>'], retention: 'limits' as const },
});

export type StreamSpec = (typeof STREAMS)[keyof typeof STREAMS];

export const configSubject = (type: string, id: string): string => `esi.config.${type}.${id}`;
/**
 * A resource's removal (the api removed its /config key after DELETE_COMPLETED), in the
 * config stream after its changes. Its own subject lets the services that act on removals
 * alone filter for them: on the change subject they received, decoded and acknowledged
 * every change of every resource only to drop it.
 */
export const removedSubject = (type: string, id: string): string => `esi.config.${type}.${id}.removed`;
/** Every removal (the filter of the consumers that act on removals only). */
export const REMOVALS = 'esi.config.*.*.removed';
export const workSubject = (handler: string): string => `esi.work.${handler}`;
export const resultSubject = (handler: string, type: string, id: string): string =>
  `esi.result.${handler}.${type}.${id}`;
export const skippedSubject = (type: string, id: string): string => `esi.skipped.${type}.${id}`;
export const stateSubject = (type: string, id: string): string => `esi.state.${type}.${id}`;
/**
 * A finished delete (the aggregator wrote DELETE_COMPLETED), announced beside the state
 * event on the resource's state subject: what the api acts on to remove the config. Its
 * own subject lets the api's consumer filter for finished deletes alone; following every
 * /state write woke the api twice for each resource only to find most were no delete.
 */
export const deletedSubject = (type: string, id: string): string => `esi.state.${type}.${id}.deleted`;
/** Every finished delete (the api's filter). */
export const DELETIONS = 'esi.state.*.*.deleted';
/** Where a service parks a message it could not handle, keeping the original subject. */
export const deadSubject = (service: string, originalSubject: string): string => `esi.dead.${service}.${originalSubject}`;
export const monitoringSubject = (type: string, id: string): string => `esi.monitoring.${type}.${id}`;

/** Deterministic message ids: a republish after a crash is dropped by JetStream. */
export const MSG_ID = Object.freeze({
  config: (type: string, id: string, version: number): string => `config:${type}:${id}:${version}`,
  work: (jobId: string, attempt: number): string => `work:${jobId}:${attempt}`,
  result: (jobId: string, attempt: number): string => `result:${jobId}:${attempt}`,
  skipped: (type: string, id: string, version: number): string => `skipped:${type}:${id}:${version}`,
  removed: (type: string, id: string, version: number): string => `removed:${type}:${id}:${version}`,
  deleted: (type: string, id: string, version: number): string => `deleted:${type}:${id}:${version}`,
  state: (type: string, id: string, version: number, workerState: string): string =>
    `state:${type}:${id}:${version}:${workerState}`,
});

export const HANDLERS = ['heat_worker', 'monitoring_worker'] as const;
export type Handler = (typeof HANDLERS)[number];
