/**
 * The JSON the edge answers: the api's messages as ts-proto objects (camelCase fields,
 * enums as numbers, JSON values as strings). Written out here so the page bundle needs
 * nothing from the server packages.
 */
export interface Resource {
  resourceType: string;
  id: string;
  version: number;
  markedForDeletion: boolean;
  bodyJson: string;
  stateJson: string;
  monitoringJson: string;
}

export interface ListPage {
  resources: Resource[];
  nextPageToken: string;
  scanned: number;
  scanStopped: boolean;
}

/** api.JobStatus */
export const JOB_STATUS = { 0: 'unknown', 1: 'waiting', 2: 'ready', 3: 'dispatched', 4: 'finished' } as const;
export type JobStatusName = (typeof JOB_STATUS)[keyof typeof JOB_STATUS];

export interface WaitLink {
  depth: number;
  jobId: string;
  waitingJobId: string;
  status: keyof typeof JOB_STATUS;
  resourceType: string;
  resourceId: string;
  resourceConfigVersion: number;
  resourceWorkerState: string;
  resourceStateVersion: number;
  resourceStateError: string;
  traceId: string;
  handler: string;
}

export interface ExplainedJob {
  id: string;
  action: string;
  handler: string;
  status: keyof typeof JOB_STATUS;
  templateId: string;
  plannedAtMs: number;
  traceId: string;
  dependency: string[];
  waitsFor: WaitLink[];
  version: number;
}

export interface Explain {
  resource?: Resource;
  plannedVersion: number;
  plannedAction: string;
  planningError: string;
  jobs: ExplainedJob[];
  summary: string;
  traceId: string;
}

export interface HistoryEvent {
  stream: string;
  sequence: number;
  subject: string;
  timeMs: number;
  kind: 'config' | 'job_result' | 'skipped' | 'state' | 'monitoring' | string;
  eventJson: string;
}

export interface PlannedJob {
  id: string;
  action: string;
  handler: string;
  templateId: string;
  dependency: string[];
  params: { param: string; type: string; valueJson: string; resolvedJson: string; resolutionError: string }[];
}

export interface PlanAnswer {
  outcome: string;
  action: string;
  version: number;
  error: string;
  jobs: PlannedJob[];
  missingTemplates: string[];
  id: string;
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  service: string;
  startMs: number;
  durationMs: number;
  status: 'unset' | 'ok' | 'error';
  statusMessage: string;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
}

export interface TraceAnswer {
  traceId: string;
  traceIds: string[];
  source: 'jaeger' | 'span file' | 'none';
  jaegerUrl: string | null;
  spans: Span[];
}

/** api.WatchEventKind */
export const WATCH_KIND = { 0: 'unknown', 1: 'config', 2: 'state', 3: 'monitoring' } as const;

export interface WatchEvent {
  revision: number;
  kind: keyof typeof WATCH_KIND;
  resourceType: string;
  id: string;
  valueJson: string;
  deleted: boolean;
  snapshot: boolean;
}

export interface StateValue {
  state?: { worker_state?: string };
  version?: number;
  error?: string;
}
