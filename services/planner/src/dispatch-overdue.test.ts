/**
 * A resync pass takes its turn alone (stopping every handler) only when a job is overdue:
 * ready and undispatched long after it was planned, or dispatched long ago and unfinished.
 */
import { describe, expect, it } from 'vitest';
import type { JobMeta, StoredJob } from '@esi/contracts';
import { dispatchOverdue } from './dispatch.js';
import { PendingJobs } from './pending-jobs.js';

const AFTER = 60_000;
const NOW = 1_000_000;

function job(id: string, dependency: string[] = []): StoredJob {
  return { id, resource_type: 'port', resource_id: id, dependency } as unknown as StoredJob;
}
const meta = (m: Partial<JobMeta>): JobMeta => ({ template_id: 't', trace: {}, planned_at_ms: NOW, dispatched_attempt: 0, ...m });

describe('dispatchOverdue', () => {
  it('is false when every job is recent, waiting, or held', () => {
    const pending = new PendingJobs();
    pending.set({ job: job('fresh'), meta: meta({ planned_at_ms: NOW - 1000 }) });
    pending.set({ job: job('running'), meta: meta({ planned_at_ms: 0, dispatched_attempt: 1, dispatched_at_ms: NOW - 1000 }) });
    // Planned long ago, but still waiting for a job that has not finished.
    pending.set({ job: job('waiting', ['running']), meta: meta({ planned_at_ms: 0 }) });
    pending.hold([job('held')]);
    expect(dispatchOverdue(pending, NOW, AFTER)).toBe(false);
  });

  it('is true for a ready job never dispatched long after it was planned', () => {
    const pending = new PendingJobs();
    pending.set({ job: job('stuck'), meta: meta({ planned_at_ms: NOW - AFTER - 1 }) });
    expect(dispatchOverdue(pending, NOW, AFTER)).toBe(true);
  });

  it('is true for a job dispatched long ago and still unfinished', () => {
    const pending = new PendingJobs();
    pending.set({ job: job('lost'), meta: meta({ planned_at_ms: 0, dispatched_attempt: 1, dispatched_at_ms: NOW - AFTER - 1 }) });
    expect(dispatchOverdue(pending, NOW, AFTER)).toBe(true);
  });
});
