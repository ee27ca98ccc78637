import { describe, expect, it } from 'vitest';
import { jobId, parseJobId } from './job-ids.js';

describe('job ids', () => {
  it('parse back into what built them (esi-reference §3.1)', () => {
    const id = jobId('create', 'monitoring_worker', 'port', 'p1', 1);
    expect(id).toMatch(/^create:monitoring_worker:port:p1:1:[0-9a-z]{5}$/);
    expect(parseJobId(id)).toEqual({ action: 'create', handler: 'monitoring_worker', type: 'port', resourceId: 'p1', version: 1 });
    expect(parseJobId('nonsense')).toBeUndefined();
  });
});
