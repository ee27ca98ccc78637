/**
 * What the heat-worker needs from a stack backend. Two implement it: the embedded
 * engine (embedded-driver.ts) and OpenStack Heat (openstack-driver.ts). Operations
 * return once the stack has settled; failures of the stack itself come back as a
 * *_FAILED view, while errors thrown say whether a repeat could help (`retryable`).
 */
import type { HeatOutput } from '@esi/contracts';

export interface StackView {
  readonly name: string;
  /** The backend's id ('' when there is none). */
  readonly id: string;
  /** CREATE_COMPLETE, UPDATE_FAILED, DELETE_IN_PROGRESS, … */
  readonly status: string;
  /** Heat's status_reason. */
  readonly reason: string;
  /** In the backend's (template) order. */
  readonly outputs: HeatOutput[];
  /** Stack tags: which job last acted on the stack, and for which version (job-tags.ts). */
  readonly tags: readonly string[];
  /** A *_FAILED stack whose failure a repeat could cure (a transient backend error). */
  readonly retryable: boolean;
}

export interface StackCall {
  readonly name: string;
  /** Rendered HOT text. */
  readonly template: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** heat_timeout; undefined: the backend's default. */
  readonly timeoutMins: number | undefined;
  readonly tags: readonly string[];
}

export interface StackDriver {
  readonly kind: DriverKind;
  /** The stack of that name, unless there is none (a deleted stack counts as none). */
  find(name: string): Promise<StackView | undefined>;
  /**
   * Bring a stack found *_IN_PROGRESS to rest: Heat is polled; the embedded engine resumes
   * the interrupted operation (nobody else runs it). Undefined when the stack went away.
   */
  settle(view: StackView): Promise<StackView | undefined>;
  create(call: StackCall): Promise<StackView>;
  /**
   * Create the stack unless one of that name exists: undefined, with nothing done, when
   * one does. A create job's first delivery expects none, so it need not look first.
   * Only the embedded engine offers it (the job's commit claims the name, and a create
   * that finds it taken there is undone and looked at: etcd-stack-store.ts); Heat's own
   * create answers 409 for a taken name, which `create` already handles.
   */
  createIfAbsent?(call: StackCall): Promise<StackView | undefined>;
  update(current: StackView, call: StackCall): Promise<StackView>;
  /** Undefined once the stack is gone; a DELETE_FAILED view otherwise. */
  delete(current: StackView): Promise<StackView | undefined>;
}

export const DRIVER_KINDS = ['embedded', 'openstack'] as const;
export type DriverKind = (typeof DRIVER_KINDS)[number];

export const isInProgress = (status: string): boolean => status.endsWith('_IN_PROGRESS');
/** Failed, or rolled back (Heat's ROLLBACK_* follow a failed create or update). */
export const isFailed = (status: string): boolean => status.endsWith('_FAILED') || status.startsWith('ROLLBACK_');
