import type { HeatOutput } from '../stack-types.js';

export type OperationAction = 'CREATE' | 'UPDATE' | 'DELETE';

/** What a create or update asked for, as the server received it. */
export interface StackRequestInfo {
  readonly action: 'CREATE' | 'UPDATE';
  readonly name: string;
  readonly template: string;
  readonly parameters: Record<string, unknown>;
  readonly timeoutMins: number | undefined;
  readonly tags: string[];
}

export interface StackOperationInfo extends Omit<StackRequestInfo, 'action'> {
  readonly action: OperationAction;
  readonly id: string;
}

/** How an operation ends; a `run` hook that never settles keeps the stack *_IN_PROGRESS. */
export type OperationResult = { ok: true; outputs?: HeatOutput[]; reason?: string } | { ok: false; reason: string };

/** A request the server answered, for assertions. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
  readonly at: number;
}

/** Makes the server answer matching requests with an error, `count` times. */
export interface Fault {
  readonly method?: string;
  /** Matched against the path (no query). */
  readonly path?: RegExp;
  readonly status: number;
  readonly count?: number;
  /**
   * Do the work, then answer with the error anyway: the client sees a failure for a
   * request that in fact succeeded (a lost response).
   */
  readonly afterHandling?: boolean;
}

/** One stack as the server keeps it. */
export interface TestStack {
  readonly id: string;
  readonly name: string;
  status: string;
  reason: string;
  template: string;
  parameters: Record<string, unknown>;
  timeoutMins: number | undefined;
  tags: string[];
  outputs: HeatOutput[];
  readonly creationTime: string;
  updatedTime: string | null;
  deleted: boolean;
  /** Bumped by every operation, so a superseded one does not write its end. */
  generation: number;
}
