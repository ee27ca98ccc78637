// Job statuses and wait chains, from the jobs pending in /jobs/all.
import { describe, expect, it } from 'vitest';
import type { StoredJob } from '@esi/contracts';
import { shownStatus, statusOf, waitChain, type Pending } from './explain-chain.js';

function job(id: string, dependency: string[] = []): StoredJob {
  const [action, handler, type, rid, version] = id.split(':') as [string, string, string, string, string];
  return {
    id, action, handler, resource_type: type, resource_id: rid, version: Number(version), job_name: `${type}:${rid}:${version}`,
    is_first: true, is_last: true, on_failure: 'fail', dependency, params: [], resource_input: {},
  };
}

function pending(...entries: [string, string[], number?][]): Map<string, Pending> {
  return new Map(entries.map(([id, deps, attempt]) => [id, { job: job(id, deps), meta: { template_id: 't', trace: {}, planned_at_ms: 1, dispatched_attempt: attempt ?? 0 } }]));
}

const NET = 'create:heat_worker:network:n1:1:aaaaa';
const SUB = 'create:heat_worker:subnet:s1:1:bbbbb';
const PORT = 'create:heat_worker:port:p1:1:ccccc';
const PORT_MON = 'create:monitoring_worker:port:p1:1:ddddd';

describe('statusOf', () => {
  it('is finished when gone, dispatched when sent, waiting while a dependency is pending, else ready', () => {
    const p = pending([NET, [], 1], [SUB, [NET]], [PORT, ['create:heat_worker:gone:g:1:zzzzz']]);
    expect(statusOf(NET, p)).toBe('dispatched');
    expect(statusOf(SUB, p)).toBe('waiting');
    expect(statusOf(PORT, p)).toBe('ready');
    expect(statusOf('create:heat_worker:x:x:1:xxxxx', p)).toBe('finished');
  });
});

describe('waitChain', () => {
  it('follows dependencies depth first down to what waits for nothing', () => {
    const p = pending([NET, [], 1], [SUB, [NET]], [PORT, [NET, SUB]], [PORT_MON, [PORT]]);
    const chain = waitChain(PORT_MON, p);
    expect(chain.map((l) => [l.depth, l.jobId, l.waitingJobId, l.status])).toEqual([
      [1, PORT, PORT_MON, 'waiting'],
      [2, NET, PORT, 'dispatched'],
      [2, SUB, PORT, 'waiting'],
    ]);
  });

  it('survives cycles and caps its length', () => {
    const a = 'create:heat_worker:x:a:1:aaaaa';
    const b = 'create:heat_worker:x:b:1:bbbbb';
    expect(waitChain(a, pending([a, [b]], [b, [a]])).map((l) => l.jobId)).toEqual([b]);
    const many = pending(...Array.from({ length: 500 }, (_, i): [string, string[]] => [`create:heat_worker:x:${i}:1:aaaaa`, i < 499 ? [`create:heat_worker:x:${i + 1}:1:aaaaa`] : []]));
    expect(waitChain('create:heat_worker:x:0:1:aaaaa', many, 50)).toHaveLength(50);
  });
});

describe('shownStatus', () => {
  it('shows a job of the version /state settled as finished, even while the planner still holds it dispatched', () => {
    const p = pending([PORT, [], 1], [PORT_MON, [PORT], 1]);
    expect(shownStatus(PORT_MON, 1, p, 1)).toBe('finished');
    // Not settled, or settled at another version (or FAILED: no version given): as the records say.
    expect(shownStatus(PORT_MON, 1, p, undefined)).toBe('dispatched');
    expect(shownStatus(PORT_MON, 1, p, 2)).toBe('dispatched');
  });
});
