// The OpenStack driver's contract against the fake Heat in both engine modes, over HTTP
// (no NATS needed): what it sends, what it waits for, when it reads outputs, and what
// it does when two updates meet.
import { describe, expect, it } from 'vitest';
import { ENGINE_MODES, type EngineMode, type HeatTestServerOptions } from '@esi/heat-client';
import { classifyError } from './classify-error.js';
import { StackBusyError } from './errors.js';
import type { StackCall } from './stack-driver.js';
import { openstackDriver, stackCall, useHeatTestServer } from './test-support.js';

const NAME = 'ese_logical_port_p1';
const call = (over: Partial<StackCall> = {}): StackCall => stackCall({ parameters: { name: 'blue' }, ...over });
const echoName: HeatTestServerOptions['run'] = (op) => ({ ok: true, outputs: [{ output_key: 'name', output_value: op.parameters.name, description: 'd' }] });

describe.each(ENGINE_MODES)('openstack driver against Heat’s %s engine', (engine: EngineMode) => {
  const { start } = useHeatTestServer({ engine, operationDelayMs: 40, run: echoName });

  it('creates, finds, updates and deletes; outputs are resolved once per operation, never while polling', async () => {
    const { heat, driver } = await start();
    const created = await driver.create(call());
    expect(created).toMatchObject({ status: 'CREATE_COMPLETE', reason: 'Stack CREATE completed successfully', outputs: [{ output_key: 'name', output_value: 'blue' }] });
    expect(heat.outputResolutions()).toBe(1);
    expect(heat.requests.filter((r) => r.method === 'GET' && r.path.endsWith(created.id)).length).toBeGreaterThan(1);

    expect(await driver.find(NAME)).toMatchObject({ status: 'CREATE_COMPLETE', tags: ['esi_job_a', 'esi_version_1'], outputs: [{ output_value: 'blue' }] });
    expect(heat.outputResolutions()).toBe(2);

    const updated = await driver.update(created, call({ parameters: { name: 'green' }, tags: ['esi_job_b', 'esi_version_2'] }));
    expect(updated).toMatchObject({ status: 'UPDATE_COMPLETE', reason: 'Stack UPDATE completed successfully', outputs: [{ output_value: 'green' }] });
    expect(heat.outputResolutions()).toBe(3);
    const put = heat.requests.find((r) => r.method === 'PUT');
    expect(put?.body).toMatchObject({ tags: 'esi_job_b,esi_version_2', timeout_mins: 5, disable_rollback: true });

    expect(await driver.delete(updated)).toBeUndefined();
    expect(heat.outputResolutions()).toBe(3);
    expect(await driver.find(NAME)).toBeUndefined();
  });

  it('finds a stack in progress without resolving its outputs, and settles it', async () => {
    // Found as soon as Heat has it, well inside the operation's 1.5 s (a fixed 40 ms wait
    // inside 150 ms came too late on a busy core).
    const { heat, driver } = await start({ operationDelayMs: 1_500 });
    const creating = openstackDriver(heat).create(call());
    let found = await driver.find(NAME);
    while (found === undefined) {
      await new Promise((r) => setTimeout(r, 10));
      found = await driver.find(NAME);
    }
    expect(found).toMatchObject({ status: 'CREATE_IN_PROGRESS', outputs: [] });
    expect(heat.outputResolutions()).toBe(0);
    expect(await driver.settle(found!)).toMatchObject({ status: 'CREATE_COMPLETE', outputs: [{ output_value: 'blue' }] });
    await creating;
  });

  it('reports Heat’s own timeout (timeout_mins passed) as the stack’s failure', async () => {
    const { driver } = await start({ minuteMs: 60, run: () => new Promise(() => undefined) });
    const view = await driver.create(call({ timeoutMins: 1 }));
    expect(view).toMatchObject({ status: 'CREATE_FAILED', reason: engine === 'convergence' ? 'Timed out' : 'Create timed out' });
  });

  it('two updates at once: one is applied, the other is tried again later', async () => {
    const { heat, driver } = await start({ operationDelayMs: 1_500 });
    const view = await driver.create(call());
    // Its outcome is caught at once: it may fail while the second update is still being sent.
    const mine = driver.update(view, call({ parameters: { name: 'mine' }, tags: ['esi_job_b', 'esi_version_2'] })).catch((e: unknown) => e);
    // The second update goes out once Heat has answered the first (a request is recorded
    // with its answer), well inside that operation's 1.5 s: a fixed 40 ms wait inside
    // 150 ms let the second arrive first on a busy core.
    while (!heat.requests.some((r) => r.method === 'PUT')) await new Promise((r) => setTimeout(r, 5));
    const theirs = await openstackDriver(heat)
      .update(view, call({ parameters: { name: 'theirs' }, tags: ['esi_job_c', 'esi_version_3'] }))
      .catch((e: unknown) => e);
    const first = await mine;
    if (engine === 'legacy') {
      // 409 ActionInProgress: the second waits for a later delivery; the first is applied.
      expect(theirs).toBeInstanceOf(StackBusyError);
      expect(first).toMatchObject({ status: 'UPDATE_COMPLETE', outputs: [{ output_value: 'mine' }] });
    } else {
      // Convergence took the second update and dropped the first: the first job sees a
      // stack carrying another job's tags and is tried again (it then decides afresh).
      expect(theirs).toMatchObject({ status: 'UPDATE_COMPLETE', outputs: [{ output_value: 'theirs' }] });
      expect(first).toBeInstanceOf(StackBusyError);
      expect(String(first)).toMatch(/replaced by another operation/);
    }
    expect(classifyError(engine === 'legacy' ? theirs : first)).toBe('transient');
  });

  it('a stack name Heat refuses fails the job as input', async () => {
    const { driver } = await start();
    const error = await driver.create(call({ name: '1_not_a_heat_name' })).catch((e: unknown) => e);
    expect(classifyError(error)).toBe('input');
    expect(String(error)).toMatch(/StackValidationFailed: Invalid stack name 1_not_a_heat_name/);
  });
});
