import type { HeatOutput } from '@esi/contracts';

export type OperationAction = 'CREATE' | 'UPDATE' | 'DELETE';

/**
 * How the fake's Heat engine treats an update while an operation is in progress:
 * `convergence` (Heat's default since Ocata) accepts it (202) and replaces the running
 * operation; `legacy` refuses it (409 ActionInProgress).
 */
export type EngineMode = 'legacy' | 'convergence';
export const ENGINE_MODES: readonly EngineMode[] = ['legacy', 'convergence'];

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
  /** Without the query string. */
  readonly path: string;
  /** The query string's parameters, e.g. `{ resolve_outputs: 'False' }`. */
  readonly query: Readonly<Record<string, string>>;
  /** The `x-openstack-request-id` the answer carried. */
  readonly requestId: string;
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
  /** Heat's error type in the body (default `InjectedFault`), e.g. `NotSupported`. */
  readonly type?: string;
  /** Heat's error message in the body. */
  readonly message?: string;
  /** A Retry-After header to send with the error (seconds or an HTTP date). */
  readonly retryAfter?: string;
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
