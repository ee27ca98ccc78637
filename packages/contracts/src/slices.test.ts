import { describe, expect, it } from 'vitest';
import { KEY_PREFIX, SLICES, ownerOfKey, storedJobValue, type JobMeta, type StoredJob, type WorkflowRecord } from './index.js';

const job: StoredJob = {
  id: 'create:heat_worker:network:n1:1:abcde',
  action: 'create',
  handler: 'heat_worker',
  resource_type: 'network',
  resource_id: 'n1',
  version: 1,
  job_name: 'network',
  is_first: true,
  is_last: true,
  on_failure: 'fail',
  dependency: [],
  params: [],
  resource_input: {},
};

describe('SLICES', () => {
  it('splits every key it builds back into what built it', () => {
    for (const [name, slice] of Object.entries(SLICES)) {
      if ('resourceOf' in slice) {
        const key = slice.key('networks', 'n1');
        expect(key.startsWith(slice.prefix), name).toBe(true);
        expect(slice.resourceOf(key), name).toEqual({ plural: 'networks', id: 'n1' });
        // A key of another slice is not taken for one of this slice's.
        expect(slice.resourceOf(`/elsewhere${key}`), name).toBeUndefined();
      } else {
        const key = slice.key(job.id);
        expect(slice.jobOf(key), name).toBe(job.id);
        expect(slice.jobOf(`${key}/extra`), name).toBeUndefined();
      }
    }
  });

  it('keeps the tenants collection outside v2.0 in config and state keys', () => {
    expect(SLICES.config.key('tenants', 't1')).toBe('/config/common/v1.0/tenants/t1');
    expect(SLICES.state.resourceOf('/state/common/v1.0/tenants/t1')).toEqual({ plural: 'tenants', id: 't1' });
    expect(SLICES.config.resourceOf('/config/v2.0/tenants/t1')).toBeUndefined();
  });

  it('puts each slice inside the part of the keyspace its writer owns', () => {
    const writers: Record<keyof typeof SLICES, string> = {
      config: 'api',
      state: 'state-aggregator',
      monitoring: 'monitoring-worker',
      heatStacks: 'heat-worker',
      jobState: 'state-aggregator',
      plannerWorkflows: 'planner',
      jobs: 'planner',
      plannerJobMeta: 'planner',
    };
    for (const [name, slice] of Object.entries(SLICES)) expect(ownerOfKey(slice.prefix), name).toBe(writers[name as keyof typeof SLICES]);
    expect(ownerOfKey(KEY_PREFIX.plannerElection)).toBe('planner');
  });

  it('reads what the writers write', () => {
    const meta: JobMeta = { template_id: 't', trace: {}, planned_at_ms: 5, dispatched_attempt: 0 };
    const record: WorkflowRecord = { version: 2, action: 'create', jobs: [job.id] };
    expect(SLICES.jobs.parse(JSON.stringify(storedJobValue(job)))?.[1]).toEqual(job);
    expect(SLICES.plannerJobMeta.parse(JSON.stringify(meta))).toEqual(meta);
    expect(SLICES.plannerWorkflows.parse(JSON.stringify(record))).toEqual(record);
    expect(SLICES.config.parse(JSON.stringify({ body: '{}', marked_for_deletion: false, version: 1 }))?.version).toBe(1);
    expect(SLICES.state.parse(JSON.stringify({ state: { worker_state: 'CREATE_COMPLETED' }, version: 1, error: '' }))?.version).toBe(1);
  });

  it('returns undefined for a value that is not the slice shape, instead of a half-read one', () => {
    for (const raw of ['', '{', 'null', '[]', '"text"', '{}', '{"version":"2","action":"create","jobs":[]}']) {
      expect(SLICES.plannerWorkflows.parse(raw), raw).toBeUndefined();
      expect(SLICES.config.parse(raw), raw).toBeUndefined();
      expect(SLICES.jobs.parse(raw), raw).toBeUndefined();
      expect(SLICES.plannerJobMeta.parse(raw), raw).toBeUndefined();
    }
  });
});
