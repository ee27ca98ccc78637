// Every heat_worker template of the recorded G1 catalog renders, parses and runs
// against the simulated providers (read from ../shared/reference, never copied here).
import { describe, expect, it } from 'vitest';
import { StackEngine } from './engine.js';
import { parseTemplate, type HotTemplate } from './hot-parser.js';
import type { ParameterSchema } from './parameters.js';
import { LOGICAL_INTERFACE_ATTRIBUTE_ERROR } from './providers/contrail.js';
import { renderYamlTemplate } from '@esi/templating';
import { HEAT_YAML_OPTIONS } from './yaml-load.js';
import { InMemoryStackStore } from './store.js';
import { catalogTemplate, heatWorkerTemplates, type CatalogTemplate } from './test-support.js';

// As the heat-worker renders: sandboxed, values kept inside their YAML holes.
const renderTemplate = (file: string, context: Record<string, unknown>): string => renderYamlTemplate(file, context, { yaml: HEAT_YAML_OPTIONS }).text;

const SUBNET_ID = '3b1d4a58-21c6-4d2a-9f0e-51a4b8f7a001';

// Values of the kind the planner resolves for these jinja_ params in the G1 runs.
const PLAUSIBLE_JINJA: Record<string, unknown> = {
  jinja_primary_uplink_ip: '169.254.10.1/30',
  jinja_secondary_uplink_ip: '169.254.10.5/30',
  jinja_dnat_group_name: 'DNAT-GROUP',
  jinja_dnat_pool_group_name: 'DNAT-POOL',
  jinja_link_local_ip_address: '169.254.127.1',
  jinja_service_number: 1,
  jinja_shared_ip_address: '100.64.0.10',
  jinja_vrid: 41,
  jinja_vrrp_group_name: 'VRRP-CFG',
  jinja_common_service_numbers: [1, 2],
  jinja_dummy_dependency: '',
  jinja_logical_tunnel_interface_name: 'lt-0/0/10',
  jinja_logical_tunnel_unit_service: 1001,
  jinja_logical_tunnel_unit_user: 1002,
  jinja_nat_ip: '100.64.0.1',
  jinja_service_interface_name: 'ms-0/0/0',
  jinja_service_vrf_name: 'vrf_service',
  jinja_snapt_group_name: 'SNAPT',
  jinja_snapt_pool_group_name: 'SNAPT-POOL',
  jinja_vlan_id: 1025,
  jinja_vrf_name: 'vrf_gw_sample-ha-router-downlink_1025',
  jinja_force_dependency: '52d7bef8-aa17-45c3-b63e-6a0e504603f0',
  jinja_force_dependency1: '52d7bef8-aa17-45c3-b63e-6a0e504603f0',
  jinja_force_dependency2: '52d7bef8-aa17-45c3-b63e-6a0e504603f0',
  jinja_vrf_config: 'routing-options static route 0.0.0.0/0 discard;',
  jinja_fixed_ips: [{ subnet_id: SUBNET_ID, ip_address: '192.168.0.10' }],
  jinja_force_dependency_cfg: null,
  jinja_force_dependency_gw_interface: 'b9618566-14ea-4505-8eae-8fdb4b6a0ec1',
  jinja_subnets: ['0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9'],
  jinja_be_forwarding_class: 'BE',
  jinja_ga_forwarding_class: 'GA',
  jinja_type: 'besteffort',
};

function jinjaContext(template: CatalogTemplate, empty: boolean): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  for (const key of Object.keys(template.parameterMappings).filter((k) => k.startsWith('jinja_'))) {
    expect(Object.hasOwn(PLAUSIBLE_JINJA, key), `no plausible value for ${template.id}.${key}`).toBe(true);
    const value = PLAUSIBLE_JINJA[key];
    context[key] = empty ? (Array.isArray(value) ? [] : typeof value === 'string' ? '' : value) : value;
  }
  return context;
}

function plausibleValue(schema: ParameterSchema): unknown {
  switch (schema.type) {
    case 'number':
      return 830;
    case 'boolean':
      return 'true';
    case 'comma_delimited_list':
      return ['tor-agent-1', 'tor-agent-2'];
    case 'json':
      return [{ network: '52d7bef8-aa17-45c3-b63e-6a0e504603f0' }];
    case 'string':
      return `${schema.name}-value`;
  }
}

function plausibleParams(template: HotTemplate): Record<string, unknown> {
  return Object.fromEntries([...template.parameters.values()].map((s) => [s.name, plausibleValue(s)]));
}

const templates = heatWorkerTemplates();

describe('the G1 heat_worker catalog', () => {
  it('is there to test against', () => {
    expect(templates.length).toBeGreaterThanOrEqual(30);
    expect(templates.map((t) => t.id)).toContain('ese_logical_port');
  });

  describe.each(templates.map((t) => [t.id, t] as const))('%s', (_id, template) => {
    it('renders with plausible jinja_ params, parses, and creates a stack with the simulated providers', async () => {
      const text = renderTemplate(template.templateFile, jinjaContext(template, false));
      const hot = parseTemplate(text);
      expect(hot.resources.size).toBeGreaterThan(0);
      // 'reject': every type the catalog uses has a provider of its own.
      const engine = new StackEngine({ store: new InMemoryStackStore(), unknownTypes: 'reject' });
      const stack = await engine.createStack({ name: `${template.id}_1`, template: text, params: plausibleParams(hot), timeoutMins: 1 });
      expect(stack.reason).toBe('Stack CREATE completed successfully');
      expect(stack.status).toBe('CREATE_COMPLETE');
      expect(stack.outputs.map((o) => o.output_key)).toEqual(hot.outputs.map((o) => o.key));
      for (const output of stack.outputs) {
        if (output.output_error !== undefined) {
          expect(output.output_error).toBe(LOGICAL_INTERFACE_ATTRIBUTE_ERROR);
          expect(output.output_value).toBeNull();
        }
      }
    });

    it('renders and parses with empty lists and empty strings', () => {
      const text = renderTemplate(template.templateFile, jinjaContext(template, true));
      expect(() => parseTemplate(text)).not.toThrow();
    });
  });

  it('port: one InstanceIp per fixed ip, and an update adds the next one without touching the rest', async () => {
    const port = catalogTemplate('port');
    const engine = new StackEngine({ store: new InMemoryStackStore() });
    const params = {
      uuid: 'b411d930-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
      name: 'b411d930-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
      virtual_machine_interface_allowed_address_pairs: { allowed_address_pair: [] },
      virtual_network: '52d7bef8-aa17-45c3-b63e-6a0e504603f0',
      device_owner: 'network:gw_interface',
    };
    const one = renderTemplate(port.templateFile, PLAUSIBLE_JINJA);
    const created = await engine.createStack({ name: 'port_b411d930', template: one, params, timeoutMins: 13 });
    expect(created.status).toBe('CREATE_COMPLETE');
    expect(created.resources.map((r) => r.name)).toEqual(['virtual_machine_interface', 'instance_ip_0']);
    expect(created.resources[1]?.properties).toEqual({
      name: `${params.name}_${SUBNET_ID}_192.168.0.10`,
      ip_address: '192.168.0.10',
      subnet_id: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
      network_id: params.virtual_network,
      virtual_machine_interfaces: [params.uuid],
    });
    expect(created.outputs[0]).toMatchObject({ output_value: params.uuid, output_key: 'id' });

    const two = renderTemplate(port.templateFile, {
      ...PLAUSIBLE_JINJA,
      jinja_fixed_ips: [...(PLAUSIBLE_JINJA.jinja_fixed_ips as object[]), { subnet_id: SUBNET_ID, ip_address: '192.168.0.11' }],
      jinja_subnets: ['0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9', '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9'],
    });
    const updated = await engine.updateStack({ name: 'port_b411d930', template: two, params });
    expect(updated.status).toBe('UPDATE_COMPLETE');
    expect(updated.resources.map((r) => [r.name, r.status])).toEqual([
      ['virtual_machine_interface', 'CREATE_COMPLETE'],
      ['instance_ip_0', 'CREATE_COMPLETE'],
      ['instance_ip_1', 'CREATE_COMPLETE'],
    ]);
    expect(updated.resources[1]?.physicalId).toBe(created.resources[1]?.physicalId);
  });
});
