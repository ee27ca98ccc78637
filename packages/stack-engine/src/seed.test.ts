// The seed's checkpoint 3: the ese_logical_port stack of "Create Gw Interface", whose
// `name` output failed in the original backend. The recorded heat_stacks value comes
// from the reference scenario of the same request.
import { describe, expect, it } from 'vitest';
import { StackEngine } from './engine.js';
import { renderYamlTemplate } from '@esi/templating';
import { HEAT_YAML_OPTIONS } from './yaml-load.js';
import { InMemoryStackStore } from './store.js';
import { catalogTemplate, readScenario } from './test-support.js';

// As the heat-worker renders: sandboxed, values kept inside their YAML holes.
const renderTemplate = (file: string, context: Record<string, unknown>): string => renderYamlTemplate(file, context, { yaml: HEAT_YAML_OPTIONS }).text;

const RESOURCE_ID = '3ce86e39-7a81-46f8-b0c4-62a4776746f1';
const PHYSICAL_PORT_STACK_ID = '5f1c3f0e-8a8e-4d59-9b53-0f3c5a3f4e21';
const PORT_STACK_ID = '7abe783f-4837-417d-b76f-771ec4d38b97';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface RecordedHeatStack {
  value: { output: Array<Record<string, unknown>>; stack_status: string; status_reason: string; stack_id: string };
}

function recordedStack(): RecordedHeatStack['value'] {
  const scenario = readScenario(`g1-inet__17-create-gw-interface--only-ese_logical_port-${RESOURCE_ID.slice(0, 8)}.json`);
  const events = scenario.expected_heat_stacks as RecordedHeatStack[];
  const last = events.at(-1);
  if (!last) throw new Error('the scenario records no heat stack');
  return last.value;
}

describe('seed checkpoint 3: ese_logical_port stack', () => {
  it('produces the recorded outputs: the logical interface uuid, and name failing with the li_uuid error', async () => {
    const engine = new StackEngine({ store: new InMemoryStackStore() });
    const template = renderTemplate(catalogTemplate('ese_logical_port').templateFile, {});
    const stack = await engine.createStack({
      name: `ese_logical_port_${RESOURCE_ID}`,
      template,
      params: {
        logical_port_name: 'xe-0/0/4.1025',
        logical_port_type: 'L2',
        logical_port_vlan_id: 1025,
        physical_port_id: PHYSICAL_PORT_STACK_ID,
        virtual_machine_interface_ids: [PORT_STACK_ID],
      },
      timeoutMins: 6,
    });

    const recorded = recordedStack();
    expect(stack.status).toBe(recorded.stack_status);
    expect(stack.reason).toBe(recorded.status_reason);
    expect(recorded.stack_id).toBe(stack.name);

    const logicalInterface = stack.resources.find((r) => r.name === 'logical_interface');
    expect(logicalInterface?.type).toBe('OS::Contrail::LogicalInterface');
    expect(logicalInterface?.physicalId).toMatch(UUID);
    expect(logicalInterface?.properties).toEqual({
      name: 'xe-0/0/4.1025',
      physical_interface: PHYSICAL_PORT_STACK_ID,
      virtual_machine_interfaces: [PORT_STACK_ID],
      type: 'L2',
      vlan: 1025,
    });

    // The recorded id is masked (cccccccc-…); ours is the created interface's uuid.
    const masked = stack.outputs.map((o) =>
      o.output_key === 'id' ? { ...o, output_value: 'cccccccc-cccc-cccc-cccc-cccccccccccc' } : o,
    );
    expect(masked).toEqual(recorded.output);
    expect(stack.outputs[0]?.output_value).toBe(logicalInterface?.physicalId);

    // Key order as in the seed document.
    expect(stack.outputs.map((o) => Object.keys(o))).toEqual([
      ['output_value', 'description', 'output_key'],
      ['output_value', 'output_error', 'description', 'output_key'],
    ]);
    expect(JSON.stringify(stack.outputs[1])).toBe(
      JSON.stringify({
        output_value: null,
        output_error: "'ContrailLogicalInterface' object has no attribute 'li_uuid'",
        description: 'The name of the logical interface.',
        output_key: 'name',
      }),
    );
  });

  it('a second create of the same stack (a redelivered job) returns it unchanged', async () => {
    const engine = new StackEngine({ store: new InMemoryStackStore() });
    const template = renderTemplate(catalogTemplate('ese_logical_port').templateFile, {});
    const request = {
      name: `ese_logical_port_${RESOURCE_ID}`,
      template,
      params: {
        logical_port_name: 'xe-0/0/4.1025',
        logical_port_type: 'L2',
        logical_port_vlan_id: '1025',
        physical_port_id: PHYSICAL_PORT_STACK_ID,
        virtual_machine_interface_ids: PORT_STACK_ID,
      },
    };
    const first = await engine.createStack(request);
    expect(first.resources[0]?.properties).toMatchObject({ vlan: 1025, virtual_machine_interfaces: [PORT_STACK_ID] });
    expect(await engine.createStack(request)).toEqual(first);
  });
});
