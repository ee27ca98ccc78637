import { describe, expect, it } from 'vitest';
import { ProviderError, ReplacementRequired } from './errors.js';
import { contrailProviders, LOGICAL_INTERFACE_ATTRIBUTE_ERROR } from './providers/contrail.js';
import { ContrailObjects, uuidFromName } from './providers/contrail-objects.js';
import { createSimulatedProviders } from './providers/defaults.js';
import { genericProvider } from './providers/generic.js';
import { ProviderRegistry } from './providers/registry.js';
import type { ProviderContext, ResourceProvider } from './providers/types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function ctx(resourceName = 'r', signal = new AbortController().signal): ProviderContext {
  return { stackName: 's', stackId: 'id', resourceName, signal };
}

function byType(providers: ResourceProvider[]): (type: string) => ResourceProvider {
  return (type) => {
    const found = providers.find((p) => p.type === type);
    if (!found) throw new Error(`no ${type}`);
    return found;
  };
}

describe('simulated Contrail providers', () => {
  it('cover every OS::Contrail and ESI::VNF type of the G1 catalog', () => {
    expect(createSimulatedProviders().map((p) => p.type).sort()).toEqual([
      'ESI::VNF::Instance',
      'ESI::VNF::NetscalerConfig',
      'ESI::VNF::NetscalerSyslogServer',
      'ESI::VNF::VyattaConfig',
      'OS::Contrail::ExistingResource',
      'OS::Contrail::InstanceIp',
      'OS::Contrail::LogicalInterface',
      'OS::Contrail::NetconfNamedConfigs',
      'OS::Contrail::PhysicalInterface',
      'OS::Contrail::PhysicalRouter',
      'OS::Contrail::Subnet',
      'OS::Contrail::VirtualMachineInterface',
      'OS::Contrail::VirtualNetwork',
      'OS::Contrail::VnSubnet',
    ]);
  });

  it('LogicalInterface exposes no attributes and fails reads with the recorded text', async () => {
    const li = byType(contrailProviders())('OS::Contrail::LogicalInterface');
    const state = await li.create({ name: 'xe-0/0/4.1025', physical_interface: 'pi', type: 'L2', vlan: 1025 }, ctx());
    expect(state.physicalId).toMatch(UUID);
    expect(state.attributes).toEqual({});
    const current = { physicalId: state.physicalId, properties: {}, attributes: state.attributes };
    expect(li.attributeError?.('name', current)).toBe("'ContrailLogicalInterface' object has no attribute 'li_uuid'");
    expect(LOGICAL_INTERFACE_ATTRIBUTE_ERROR).toBe("'ContrailLogicalInterface' object has no attribute 'li_uuid'");
  });

  it('derives fq_names from parents and finds existing objects by fq_name', async () => {
    const get = byType(contrailProviders({}, new ContrailObjects()));
    const router = await get('OS::Contrail::PhysicalRouter').create({ name: 'tor-1', management_ip: '10.161.0.34' }, ctx());
    expect(router.attributes).toMatchObject({ name: 'tor-1', fq_name: ['default-global-system-config', 'tor-1'], physical_interfaces: [] });
    const port = await get('OS::Contrail::PhysicalInterface').create({ name: 'xe-0/0/4', physical_router: router.physicalId }, ctx());
    expect(port.attributes.fq_name).toEqual(['default-global-system-config', 'tor-1', 'xe-0/0/4']);

    const existing = get('OS::Contrail::ExistingResource');
    const found = await existing.create({ fq_name: ['default-global-system-config', 'tor-1'], resource_type: 'physical_router' }, ctx());
    expect(found.physicalId).toBe(router.physicalId);
    const other = await existing.create({ fq_name: ['default-global-system-config', 'tor-9'], resource_type: 'physical_router' }, ctx());
    expect(other.physicalId).toBe(uuidFromName('physical_router:default-global-system-config:tor-9'));
    expect(other.physicalId).toMatch(UUID);
    expect(other.attributes).toMatchObject({ name: 'tor-9', fq_name: ['default-global-system-config', 'tor-9'] });
  });

  it('uses a uuid given as a property, and a MAC derived from it', async () => {
    const get = byType(contrailProviders());
    const vmi = await get('OS::Contrail::VirtualMachineInterface').create(
      { uuid: '7abe783f-4837-417d-b76f-771ec4d38b97', name: 'p', virtual_networks: ['net'], virtual_machine_interface_mac_addresses: [] },
      ctx(),
    );
    expect(vmi.physicalId).toBe('7abe783f-4837-417d-b76f-771ec4d38b97');
    expect(vmi.attributes.virtual_machine_interface_mac_addresses).toEqual({ mac_address: ['02:1e:c4:d3:8b:97'] });
    const net = await get('OS::Contrail::VirtualNetwork').create({ uuid: '', name: 'n' }, ctx());
    expect(net.physicalId).toMatch(UUID);
    expect(net.attributes.fq_name).toEqual(['default-domain', 'default-project', 'n']);
  });

  it('refuses missing required properties and in-place changes of immutable ones', async () => {
    const get = byType(contrailProviders());
    const netconf = get('OS::Contrail::NetconfNamedConfigs');
    await expect(netconf.create({ device_ip: '10.0.0.1', username: 'u' }, ctx())).rejects.toThrow(
      'Property error: properties.configs: Property configs not assigned',
    );
    await expect(netconf.create({ device_ip: '10.0.0.1', username: 'u' }, ctx())).rejects.toBeInstanceOf(ProviderError);
    const props = { device_ip: '10.0.0.1', username: 'u', configs: [{ config: 'x;', path: [{ tag: 'interfaces' }, { tag: 'interface', name: 'xe-0/0/1' }] }] };
    const state = await netconf.create(props, ctx());
    expect(state.attributes.applied_configs).toEqual([{ path: 'interfaces interface xe-0/0/1', config: 'x;' }]);
    const current = { physicalId: state.physicalId, properties: props, attributes: state.attributes };
    const updated = await netconf.update!(current, { ...props, username: 'v' }, ctx());
    expect(updated.physicalId).toBe(state.physicalId);
    await expect(netconf.update!(current, { ...props, device_ip: '10.0.0.2' }, ctx())).rejects.toBeInstanceOf(ReplacementRequired);
  });

  it('stops waiting when the operation is aborted', async () => {
    const slow = byType(contrailProviders({ latencyMs: 10_000 }))('OS::Contrail::PhysicalRouter');
    const controller = new AbortController();
    const pending = slow.create({ name: 'r' }, ctx('r', controller.signal));
    controller.abort(new Error('deadline'));
    await expect(pending).rejects.toThrow('deadline');
  });
});

describe('generic provider and registry', () => {
  it('simulates any type, exposing its properties as attributes', async () => {
    const generic = genericProvider('OS::Nova::Server');
    const state = await generic.create({ flavor: 'm1', networks: [{ port: 'p' }] }, ctx());
    expect(state.physicalId).toMatch(UUID);
    expect(state.attributes).toMatchObject({ flavor: 'm1', networks: [{ port: 'p' }], show: { flavor: 'm1' } });
  });

  it('prefers registered providers, later ones overriding earlier, then the fallback', () => {
    const a = genericProvider('T::A');
    const a2 = genericProvider('T::A');
    const registry = new ProviderRegistry([a, a2], (type) => genericProvider(type));
    expect(registry.get('T::A')).toBe(a2);
    expect(registry.get('T::Other')?.type).toBe('T::Other');
    const strict = new ProviderRegistry([a]);
    expect(strict.get('T::Other')).toBeUndefined();
    expect(strict.has('T::Other')).toBe(false);
  });
});
