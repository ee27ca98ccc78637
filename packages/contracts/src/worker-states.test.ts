import { describe, expect, it } from 'vitest';
import { DELETE_COMPLETED, READ_COMPLETE, isFailedWorkerState, isFinalWorkerState, isSucceededWorkerState, workerStateFor } from './worker-states.js';

describe('worker states', () => {
  it('name the last job’s action and the outcome, a logical delete as a delete', () => {
    expect(workerStateFor('create', false)).toBe('CREATE_COMPLETED');
    expect(workerStateFor('update', true)).toBe('UPDATE_FAILED');
    expect(workerStateFor('logical_delete', false)).toBe(DELETE_COMPLETED);
  });

  it('tell a settled change from one in progress, and a failure from a success', () => {
    const settled = ['CREATE_COMPLETED', 'DELETE_FAILED', READ_COMPLETE];
    expect(settled.map(isFinalWorkerState)).toEqual([true, true, true]);
    expect(['', undefined, 'CREATE_IN_PROGRESS', 'READ_COMPLETED_SOON'].map(isFinalWorkerState)).toEqual([false, false, false, false]);
    expect(settled.map(isFailedWorkerState)).toEqual([false, true, false]);
    expect(isFailedWorkerState(undefined)).toBe(false);
    expect(settled.map(isSucceededWorkerState)).toEqual([true, false, true]);
    expect(isSucceededWorkerState('CREATE_IN_PROGRESS')).toBe(false);
  });
});
