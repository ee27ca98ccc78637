import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadExampleBuild, type BuildRequest } from './example-build.js';
import { loadTemplates } from './load-templates.js';
import { loadRelations, loadResourceTypes } from './resource-types.js';
import type { Evaluated } from './test-support/evaluate-mapping.js';
import { exampleWorld } from './test-support/example-world.js';
import { planExample, renderValue, type PlannedJob } from './test-support/plan-example.js';
import { loadRenderer } from './test-support/render.js';

/** Item types of the G1 monitoring worker and the properties each needs (esi-reference §5.3). */
const ITEM_TYPES: Record<string, string[]> = {
  switch: ['ip', 'community_name'],
  router: ['ip', 'community_name'],
  physical_port: ['device_ip', 'community_name', 'name'],
  logical_port: ['device_ip', 'community_name', 'name'],
  virtual_network: ['fq_name'],
  virtual_machine_interface: ['fq_name'],
  vrrp_session: ['host', 'port', 'login', 'password', 'interface', 'vrid'],
  bgp_session: ['instance', 'peer_address', 'host', 'port', 'login', 'password'],
  nova_vm: ['server_id'],
  kafka_messenger: ['kafka_topic'],
  etcd_reader: ['etcd_type', 'etcd_id'],
};

/** Bodies the example does not contain, so that every template of the catalog renders. */
function withVariants(build: BuildRequest[]): BuildRequest[] {
  const body = (ref: string): Record<string, unknown> => {
    const found = build.find((r) => r.ref === ref);
    if (!found) throw new Error(`example has no ${ref}`);
    return found.body;
  };
  return [
    ...build,
    { ref: 'new-device', type: 'ese_device', body: { ...body('ese-device'), existing: 'new', tor_agent_names: ['tor-1'], tsn_names: ['tsn-1'] } },
    { ref: 'known-port', type: 'ese_physical_port', body: { ...body('ese-port-xe3'), name: 'xe-0/0/5', existing: 'existing' } },
    // Version 2 of a gateway port, after Gohan attached it.
    { ref: 'attached-port', type: 'port', body: { ...body('gw-port-a'), attached: true } },
    { ref: 'compute-port', type: 'port', body: { ...body('gw-port-a'), device_owner: 'compute:nova', device_id: 'server-1', attached: true } },
  ];
}

const renderer = loadRenderer();

describe('rendering the catalog with the example build', async () => {
  const render = renderer.render;
  const catalog = await loadTemplates();
  const world = exampleWorld(withVariants(loadExampleBuild()), loadRelations());
  const plan = planExample(world.resources, world, loadResourceTypes(), catalog);
  const heatJobs = plan.jobs.filter((j) => j.handler === 'heat_worker');
  const monitoringJobs = plan.jobs.filter((j) => j.handler === 'monitoring_worker');

  const context = (job: PlannedJob, onlyJinja: boolean): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(job.params)
        .filter(([name]) => !onlyJinja || name.startsWith('jinja_'))
        .map(([name, e]) => [name, renderValue(e)]),
    );
  const heatDoc = (job: PlannedJob): Record<string, unknown> =>
    parse(render(job.template.template_file, context(job, true))) as Record<string, unknown>;

  it('plans without problems and reaches every template of the catalog', () => {
    expect(plan.problems).toEqual([]);
    expect(new Set(plan.jobs.map((j) => j.template.id))).toEqual(new Set(catalog.map((t) => t.id)));
  });

  it('renders every heat template to HOT whose parameters match its mappings', () => {
    for (const job of heatJobs) {
      const where = `${job.template.id} for ${job.resource.id}`;
      const doc = heatDoc(job);
      expect(doc.heat_template_version, where).toBe('2013-05-23');
      const declared = (doc.parameters ?? {}) as Record<string, { default?: unknown }>;
      const resources = doc.resources as Record<string, { type?: string }>;
      expect(Object.keys(resources).length, where).toBeGreaterThan(0);
      for (const resource of Object.values(resources)) expect(resource.type, where).toMatch(/^OS::Contrail::/);

      // Parameters Heat receives: everything but the Jinja context and the timeout.
      const sent = Object.keys(job.params).filter((p) => !p.startsWith('jinja_') && p !== 'heat_timeout');
      expect(sent.filter((p) => !(p in declared)), `${where}: undeclared`).toEqual([]);
      const unfed = Object.entries(declared).filter(([p, d]) => !('default' in d) && !sent.includes(p)).map(([p]) => p);
      expect(unfed, `${where}: never given`).toEqual([]);

      const refs = intrinsicRefs([doc.resources, doc.outputs]);
      expect(refs.params.filter((p) => !(p in declared)), `${where}: get_param`).toEqual([]);
      expect(refs.resources.filter((r) => !(r in resources)), `${where}: get_resource/get_attr`).toEqual([]);
    }
  });

  it('only reads stack outputs the referenced stacks declare', () => {
    const outputs = new Map(heatJobs.map((job) => [job.resource.id, Object.keys((heatDoc(job).outputs ?? {}) as object)]));
    const missing: string[] = [];
    const check = (e: Evaluated, where: string): void => {
      if (e.kind === 'list') e.items.forEach((item) => check(item, where));
      if (e.kind === 'output_key' && !outputs.get(e.id)?.includes(e.key)) missing.push(`${where}: ${e.type}.${e.key}`);
    };
    for (const job of plan.jobs) for (const [param, e] of Object.entries(job.params)) check(e, `${job.template.id}.${param}`);
    expect(missing).toEqual([]);
  });

  it('renders every monitoring template to items the monitoring worker knows', () => {
    for (const job of monitoringJobs) {
      const where = `${job.template.id} for ${job.resource.id}`;
      const doc = parse(render(job.template.template_file, context(job, false))) as Record<string, unknown> | null;
      for (const [name, item] of Object.entries(doc ?? {})) {
        if (name === 'db_mappings') {
          expect(Array.isArray(item), where).toBe(true);
          for (const row of item as Record<string, unknown>[]) {
            expect(String(row.mapped_id ?? ''), `${where} mapped_id`).not.toBe('');
            expect(String(row.relation ?? ''), `${where} relation`).not.toBe('');
          }
          continue;
        }
        const props = item as Record<string, unknown>;
        const needed = ITEM_TYPES[String(props.type)];
        expect(needed, `${where}: item ${name} has type ${String(props.type)}`).toBeDefined();
        for (const prop of needed ?? []) expect(props[prop] ?? '', `${where}: ${name}.${prop}`).not.toBe('');
      }
    }
  });

  it('renders the items each resource reports', () => {
    const items = (ref: string): string[] => {
      const job = monitoringJobs.find((j) => j.resource === world.byRef.get(ref));
      if (!job) return [];
      const doc = parse(render(job.template.template_file, context(job, false))) as Record<string, unknown> | null;
      return Object.keys(doc ?? {}).sort();
    };
    expect(items('ese-device')).toEqual(['switch']);
    expect(items('ese-port-xe3')).toEqual(['port']);
    expect(items('edge-router-a')).toEqual(['router']);
    expect(items('er-if-a')).toEqual(['interface']);
    expect(items('ha-router')).toEqual(['primary', 'secondary']);
    expect(items('ha-downlink')).toEqual(['primary', 'secondary']);
    expect(items('inet-gw')).toEqual(['counter_primary', 'db_mappings', 'downlink']);
    expect(items('network')).toEqual(['db_mappings', 'network']);
    expect(items('gw-port-a')).toEqual([]); // not attached yet: nothing to watch
    expect(items('attached-port')).toEqual(['vmi']);
    expect(items('compute-port')).toEqual(['db_mappings', 'vmi']);
    expect(items('gw-if')).toEqual(['db_mappings', 'primary', 'secondary']);
    expect(items('elp-xe4')).toEqual(['db_mappings', 'logical_port']);
  });

  it('appends the extra VRF configuration of the internet service to the routing instance', () => {
    const template = catalog.find((t) => t.id === 'internet_gateway');
    if (!template) throw new Error('no internet_gateway template');
    const doc = parse(render(template.body.template_file, { jinja_vrf_config: 'routing-options {\n    static route 0.0.0.0/0 discard;\n}' })) as {
      resources: Record<string, { properties: { configs: { config: { str_replace: { template: string } } }[] } }>;
    };
    const text = doc.resources.netconf_configure_primary?.properties.configs[1]?.config.str_replace.template;
    expect(text).toBe(
      'instance-type virtual-router;\ninterface $UNIT;\nrouting-options instance-import $IMPORT_POLICY;\n' +
        'routing-options instance-export $EXPORT_POLICY;\nrouting-options {\n    static route 0.0.0.0/0 discard;\n}\n',
    );
  });

  it('renders the seed logical port item and one db mapping per port', () => {
    const lp = world.byRef.get('elp-xe4');
    const job = monitoringJobs.find((j) => j.resource === lp);
    if (!job) throw new Error('no monitoring job for the logical port');
    const doc = parse(render(job.template.template_file, context(job, false))) as Record<string, unknown>;
    expect(doc.logical_port).toEqual({ type: 'logical_port', community_name: 'ESE_NODE_COMMUNITY', device_ip: '127.0.0.1', name: 'xe-0/0/4.1025' });
    expect(doc.db_mappings).toEqual([
      { mapped_id: '127.0.0.1-xe-0/0/4.1025', resource_type: 'port', resource_id: world.byRef.get('gw-port-b')?.id, relation: 'baremetal' },
    ]);
  });
});

/** Names used by get_param / get_resource / get_attr anywhere in a HOT document part. */
function intrinsicRefs(node: unknown): { params: string[]; resources: string[] } {
  const found = { params: [] as string[], resources: [] as string[] };
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (n === null || typeof n !== 'object') return;
    for (const [key, value] of Object.entries(n)) {
      if (key === 'get_param') found.params.push(String(Array.isArray(value) ? value[0] : value));
      else if (key === 'get_resource') found.resources.push(String(value));
      else if (key === 'get_attr' && Array.isArray(value)) found.resources.push(String(value[0]));
      visit(value);
    }
  };
  visit(node);
  return found;
}
