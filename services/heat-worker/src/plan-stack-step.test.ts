import { describe, expect, it } from 'vitest';
import { jobTag, jobTags, versionOf } from './job-tags.js';
import { planStackStep, type JobKind } from './plan-stack-step.js';
import type { StackView } from './stack-driver.js';

const MINE = jobTag('create:heat_worker:port:p1:2:abcde');
const view = (status: string, tags: string[] = [], retryable = false): StackView => ({
  name: 'port_p1',
  id: 'x',
  status,
  reason: '',
  outputs: [],
  tags,
  retryable,
});
const plan = (kind: JobKind, v: StackView | undefined, mayRetry = true) =>
  planStackStep({ kind, view: v, tag: MINE, version: 2, mayRetry });

describe('planStackStep', () => {
  it('creates a missing stack, for create and for modify', () => {
    expect(plan('create', undefined)).toBe('create');
    expect(plan('modify', undefined)).toBe('create');
  });

  it('reports what the stack shows when this job already acted on it (a redelivery)', () => {
    expect(plan('create', view('CREATE_COMPLETE', [MINE, 'esi_version_2']))).toBe('report');
    expect(plan('modify', view('UPDATE_COMPLETE', [MINE, 'esi_version_2']))).toBe('report');
    expect(plan('create', view('CREATE_FAILED', [MINE]))).toBe('report');
    expect(plan('modify', view('UPDATE_FAILED', [MINE]))).toBe('report');
  });

  it('repeats its own failure only when a repeat could cure it and attempts are left', () => {
    expect(plan('create', view('CREATE_FAILED', [MINE], true))).toBe('recreate');
    expect(plan('modify', view('UPDATE_FAILED', [MINE], true))).toBe('update');
    expect(plan('create', view('CREATE_FAILED', [MINE], true), false)).toBe('report');
  });

  it('updates a stack another job made, and never rolls back a newer version', () => {
    expect(plan('modify', view('CREATE_COMPLETE', [jobTag('other'), 'esi_version_1']))).toBe('update');
    expect(plan('modify', view('UPDATE_FAILED', ['esi_version_1']))).toBe('update');
    expect(plan('modify', view('UPDATE_COMPLETE', [jobTag('newer'), 'esi_version_3']))).toBe('report');
  });

  it('treats an existing healthy stack as created (as the original did) and rebuilds failed ones', () => {
    expect(plan('create', view('CREATE_COMPLETE'))).toBe('report');
    expect(plan('create', view('CREATE_FAILED', [jobTag('earlier')]))).toBe('recreate');
    expect(plan('modify', view('DELETE_FAILED'))).toBe('recreate');
    // A stack someone made with rollback on, rolled back after a failed create.
    expect(plan('create', view('ROLLBACK_COMPLETE'))).toBe('recreate');
    expect(plan('modify', view('ROLLBACK_COMPLETE'))).toBe('update');
  });

  it('deletes whatever is there; a missing stack is already deleted', () => {
    expect(plan('delete', undefined)).toBe('absent');
    expect(plan('delete', view('CREATE_COMPLETE'))).toBe('delete');
    expect(plan('delete', view('DELETE_FAILED'))).toBe('delete');
  });

  it('derives tags within Heat’s limits', () => {
    const tags = jobTags('modify:heat_worker:ese_logical_port:9b1f0d3e-7c55-4a1e-8f7e-0c1d2e3f4a5b:12:x1y2z', 12);
    expect(tags.every((t) => t.length <= 80 && !t.includes(','))).toBe(true);
    expect(versionOf(tags)).toBe(12);
    expect(versionOf(['other'])).toBeUndefined();
  });
});
