// The DAG view remembers when each job's status was first seen, so durations need only
// what Explain returns.
import { describe, expect, it } from 'vitest';
import { api } from '@esi/contracts';
import { DagTracker, settled } from './dag-view.js';

const S = api.JobStatus;

function explain(jobs: Partial<api.ExplainedJob>[], state = ''): api.ExplainResponse {
  return api.ExplainResponse.fromPartial({
    resource: { resourceType: 'subnet', id: 's1', version: 1, stateJson: state },
    summary: 'summary',
    jobs: jobs.map((j) => api.ExplainedJob.fromPartial({ handler: 'heat_worker', ...j })),
  });
}

describe('DagTracker', () => {
  it('times each status from when it was first seen, and nests what a job waits for', () => {
    const t = new DagTracker(0);
    const waiting = explain([
      {
        id: 'create:heat_worker:subnet:s1:1:aaaaa',
        status: S.JOB_STATUS_WAITING,
        plannedAtMs: 1_000,
        waitsFor: [api.WaitLink.fromPartial({ depth: 1, jobId: 'create:heat_worker:network:n1:1:bbbbb', status: S.JOB_STATUS_DISPATCHED, resourceType: 'network', resourceId: 'n1' })],
      },
    ]);
    const first = t.frame(waiting, 4_000);
    expect(first[2]).toMatch(/^ {2}waiting +3\.0s {2}create:heat_worker:subnet:s1:1:aaaaa/);
    expect(first[3]).toMatch(/^ {5}└ dispatched +0\.0s {2}create:heat_worker:network:n1:1:bbbbb {2}\(network n1: no state yet\)/);
    const ready = t.rows(explain([{ id: 'create:heat_worker:subnet:s1:1:aaaaa', status: S.JOB_STATUS_DISPATCHED }]), 6_000);
    expect(ready[0]).toMatchObject({ status: 'dispatched', durationMs: 0 });
    const done = t.rows(explain([{ id: 'create:heat_worker:subnet:s1:1:aaaaa', status: S.JOB_STATUS_FINISHED }]), 7_500);
    expect(done[0]).toMatchObject({ status: 'finished', durationMs: 6_500 });
  });

  it('does not make up a duration for a job first seen finished', () => {
    const rows = new DagTracker(0).rows(explain([{ id: 'x:y:z:w:1:aaaaa', status: S.JOB_STATUS_FINISHED }]), 5_000);
    expect(rows[0]!.durationMs).toBeUndefined();
  });

  it('calls a resource settled when its state reached its config version', () => {
    expect(settled(explain([], ''))).toBe(false);
    expect(settled(explain([], '{"version":0,"state":{}}'))).toBe(false);
    expect(settled(explain([], '{"version":1,"state":{"worker_state":"CREATE_COMPLETED"}}'))).toBe(true);
  });
});
