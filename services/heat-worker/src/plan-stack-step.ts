/**
 * What a job does to its stack, decided from the stack as found (at rest) before acting
 * (esi-reference §5.2 "Checking job status"). Pure, so every case is a unit test.
 */
import { versionOf } from './job-tags.js';
import { isFailed, type StackView } from './stack-driver.js';

export type JobKind = 'create' | 'modify' | 'delete';

export type StackStep =
  /** The stack already shows this job's outcome (or a newer version's): report it. */
  | 'report'
  | 'create'
  /** Delete what is there, then create. */
  | 'recreate'
  | 'update'
  | 'delete'
  /** A delete of a stack that is not there: done. */
  | 'absent';

export interface StepInput {
  readonly kind: JobKind;
  /** The stack at rest, or undefined when there is none. */
  readonly view: StackView | undefined;
  /** This job's tag (job-tags.ts). */
  readonly tag: string;
  readonly version: number;
  /** Whether this delivery may still repeat a failure that a repeat could cure. */
  readonly mayRetry: boolean;
}

export function planStackStep({ kind, view, tag, version, mayRetry }: StepInput): StackStep {
  if (kind === 'delete') return view === undefined ? 'absent' : 'delete';
  if (view === undefined) return 'create';
  const stackVersion = versionOf(view.tags);
  // Never roll a stack back: a late redelivery of an older version's job only reports.
  if (stackVersion !== undefined && stackVersion > version) return 'report';
  if (view.tags.includes(tag)) {
    // This job acted before (the delivery was repeated): do not act twice.
    if (!isFailed(view.status) || !(view.retryable && mayRetry)) return 'report';
    return view.status === 'UPDATE_FAILED' ? 'update' : 'recreate';
  }
  if (view.status === 'DELETE_FAILED') return 'recreate';
  if (kind === 'create') return isFailed(view.status) ? 'recreate' : 'report';
  return 'update';
}
