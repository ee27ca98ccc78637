// Every heat_worker template of our catalog (packages/catalog/templates) renders, parses
// and runs through the embedded engine with the simulated providers, as the worker runs it.
import { describe, expect, it } from 'vitest';
import { defaultCatalogDir, loadTemplates } from '@esi/catalog';
import {
  InMemoryStackStore,
  LOGICAL_INTERFACE_ATTRIBUTE_ERROR,
  HEAT_YAML_OPTIONS,
  parseTemplate,
  StackEngine,
  type ParameterSchema,
} from '@esi/stack-engine';
import { renderYamlTemplate } from '@esi/templating';
import { splitHeatParams } from './heat-params.js';

const UUID = '52d7bef8-aa17-45c3-b63e-6a0e504603f0';

// Values of the kind the planner resolves for our templates' jinja_ params.
const JINJA: Record<string, unknown> = {
  jinja_dummy_dependency: '',
  jinja_force_dependency: UUID,
  jinja_vrf_config: 'routing-options static route 0.0.0.0/0 discard;',
  jinja_fixed_ips: [{ subnet_id: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9', ip_address: '192.168.0.10' }],
  jinja_force_dependency_cfg: null,
  jinja_force_dependency_gw_interface: 'b9618566-14ea-4505-8eae-8fdb4b6a0ec1',
  jinja_subnets: ['0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9'],
};

function plausible(schema: ParameterSchema): unknown {
  if (schema.default !== undefined) return schema.default;
  const allowed = schema.constraints.find((c) => c.kind === 'allowed_values');
  if (allowed?.kind === 'allowed_values') return allowed.values[0];
  switch (schema.type) {
    case 'number':
      return 830;
    case 'boolean':
      return true;
    case 'comma_delimited_list':
      return ['a', 'b'];
    case 'json':
      return {};
    case 'string':
      return `${schema.name}-value`;
  }
}

const templates = (await loadTemplates(defaultCatalogDir)).filter((t) => t.body.handler === 'heat_worker');

describe('our heat_worker catalog through the embedded engine', () => {
  it('is there', () => {
    expect(templates.length).toBeGreaterThanOrEqual(8);
  });

  it.each(templates.map((t) => [t.id, t] as const))('%s creates a stack', async (id, template) => {
    const jinjaKeys = Object.keys(template.body.parameter_mappings).filter((k) => k.startsWith('jinja_'));
    for (const key of jinjaKeys) expect(Object.hasOwn(JINJA, key), `no plausible value for ${id}.${key}`).toBe(true);
    const values: Record<string, unknown> = Object.fromEntries(jinjaKeys.map((k) => [k, JINJA[k]]));
    if ('heat_timeout' in template.body.parameter_mappings) values.heat_timeout = 6;
    const call = splitHeatParams(values);
    const { text } = renderYamlTemplate(template.body.template_file, call.jinja, { yaml: HEAT_YAML_OPTIONS });
    const hot = parseTemplate(text);
    const params = Object.fromEntries([...hot.parameters.values()].map((s) => [s.name, plausible(s)]));
    const engine = new StackEngine({ store: new InMemoryStackStore(), unknownTypes: 'reject' });
    const stack = await engine.createStack({ name: `${id}_1`, template: text, params, timeoutMins: call.timeoutMins });
    expect(stack.reason).toBe('Stack CREATE completed successfully');
    expect(stack.outputs.map((o) => o.output_key)).toEqual(hot.outputs.map((o) => o.key));
    for (const output of stack.outputs) {
      if (output.output_error !== undefined) expect(output.output_error).toBe(LOGICAL_INTERFACE_ATTRIBUTE_ERROR);
    }
  });
});
