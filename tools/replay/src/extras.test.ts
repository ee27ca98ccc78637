import { describe, expect, it } from 'vitest';
import { extraJobs, extraWrites } from './extras.js';

const ID = 'create:heat_worker:port:7abe783f-4837-417d-b76f-771ec4d38b97:1';

describe('extra and duplicated jobs', () => {
  it('reports a job the recording never planned', () => {
    expect(extraJobs([`${ID}:gyov9`], [`${ID}:ab123`, 'create:monitoring_worker:port:7abe783f-4837-417d-b76f-771ec4d38b97:1:zz999'])).toEqual([
      'job create:monitoring_worker:port:7abe783f-4837-417d-b76f-771ec4d38b97:1:<suffix>: not recorded (extra)',
    ]);
  });

  it('reports a job planned twice under two suffixes', () => {
    expect(extraJobs([`${ID}:gyov9`], [`${ID}:ab123`, `${ID}:cd456`])).toEqual([`job ${ID}:<suffix>: planned 2 times (${ID}:ab123, ${ID}:cd456) (duplicated)`]);
  });

  it('reports nothing when each recorded job was planned once', () => {
    expect(extraJobs([`${ID}:gyov9`], [`${ID}:ab123`])).toEqual([]);
  });
});

describe('extra and duplicated writes', () => {
  const status = (v: unknown): unknown => (v as { stack_status: string }).stack_status;
  const key = '/esi-worker/heat_stacks/v2.0/ports/7abe';

  it('reports a key the recording never wrote', () => {
    expect(extraWrites('monitoring', [{ key: '/monitoring/a', value: { vmi: 'UP' } }], [{ key: '/monitoring/b', value: { vmi: 'UP' } }])).toEqual(['monitoring /monitoring/b: not recorded, ours wrote {"vmi":"UP"} (extra)']);
  });

  it('reports an operation done twice, and ignores rewrites of the same value', () => {
    const recorded = [
      { key, value: { stack_status: 'CREATE_COMPLETE', t: 1 } },
      { key, value: { stack_status: 'UPDATE_COMPLETE', t: 2 } },
    ];
    const ours = [
      { key, value: { stack_status: 'CREATE_COMPLETE', t: 10 } },
      { key, value: { stack_status: 'CREATE_COMPLETE', t: 10 } },
      { key, value: { stack_status: 'UPDATE_COMPLETE', t: 11 } },
      { key, value: { stack_status: 'UPDATE_COMPLETE', t: 12 } },
    ];
    expect(extraWrites('stack', recorded, ours, status)).toEqual([`stack ${key}: "UPDATE_COMPLETE" written 2 times, recorded 1 (duplicated)`]);
  });

  it('reports a value the recording never had for a recorded key', () => {
    expect(extraWrites('state', [{ key: '/state/x', value: 'A' }], [{ key: '/state/x', value: 'A' }, { key: '/state/x', value: 'B' }])).toEqual(['state /state/x: "B" written 1 times, recorded 0 (extra)']);
  });
});
