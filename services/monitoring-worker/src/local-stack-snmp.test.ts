/**
 * The "done when", on the whole local stack (`startStack`, as `pnpm start` runs
 * it): the device simulator serves the example build's devices, so setting a simulated
 * interface down turns its ese_logical_port's /monitoring to DOWN, and back to UP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExampleBuild } from '@esi/catalog';
import { setInterfaceStatus } from '@esi/device-simulator';
import { resourceClient, submitBuild, type SubmittedResource } from '@esi/client';
import { startStack, type Stack } from '@esi/local-stack';
import { OwnedStore } from '@esi/store';
import { waitFor } from './test-harness.js';

let stack: Stack;
let store: OwnedStore;
let submitted: SubmittedResource[];

beforeAll(async () => {
  stack = await startStack({ env: { ESI_POLL_INTERVAL_MS: '300' } });
  store = new OwnedStore([stack.etcdEndpoints], 'monitoring-worker');
  submitted = await submitBuild(resourceClient(stack.apiAddr), loadExampleBuild('internet-gateway'));
}, 120_000);

afterAll(async () => {
  store?.close();
  await stack?.stop();
});

const monitoring = async (lp: SubmittedResource): Promise<unknown> => (await store.getJson(`/monitoring/v2.0/ese_logical_ports/${lp.id}`))?.value;

describe('local stack: /monitoring comes from SNMP polls of the device simulator', () => {
  it('a simulated interface going down and up is seen in its ese_logical_port’s /monitoring', async () => {
    expect(stack.deviceSimulator?.snmpPort).toBeGreaterThan(0);
    const lps = submitted.filter((r) => r.type === 'ese_logical_port');
    const xe4 = lps.find((r) => r.body.name === 'xe-0/0/4.1025')!;
    const xe3 = lps.find((r) => r.body.name === 'xe-0/0/3.1025')!;
    const is = (lp: SubmittedResource, status: string) => async () =>
      JSON.stringify(await monitoring(lp)) === JSON.stringify({ logical_port: status, version: 1 }) ? true : undefined;
    await waitFor('both logical ports UP', async () => ((await is(xe4, 'UP')()) && (await is(xe3, 'UP')()) ? true : undefined), 60_000);

    await setInterfaceStatus(stack.deviceSimulator!.controlUrl, 'xe-0/0/4.1025', 'down');
    await waitFor('xe-0/0/4.1025 DOWN', is(xe4, 'DOWN'), 5_000);
    expect(await monitoring(xe3)).toEqual({ logical_port: 'UP', version: 1 });
    await setInterfaceStatus(stack.deviceSimulator!.controlUrl, 'xe-0/0/4.1025', 'up');
    await waitFor('xe-0/0/4.1025 UP again', is(xe4, 'UP'), 5_000);
  });
});
